// Shared helpers of the integration tests: the activated extension's API and a way to answer
// modal dialogs without a person.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RoadmapApi } from '../../src/extension';

export const EXTENSION_ID = 'ds-roadmap.distributed-systems-roadmap';

export async function activatedApi(): Promise<RoadmapApi> {
  const extension = vscode.extensions.getExtension<RoadmapApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not installed`);
  const api = await extension.activate();
  assert.ok(api.roadmap.ok, api.roadmap.ok ? '' : api.roadmap.reason);
  return api;
}

type ShowWarning = typeof vscode.window.showWarningMessage;

/** Replaces showWarningMessage while `body` runs, answering with `answer` and recording the prompts. */
export async function answeringWarnings<T>(answer: string | undefined, body: () => Thenable<T>): Promise<{ result: T; prompts: string[] }> {
  const original: ShowWarning = vscode.window.showWarningMessage;
  const prompts: string[] = [];
  const fake = (message: string): Thenable<string | undefined> => {
    prompts.push(message);
    return Promise.resolve(answer);
  };
  (vscode.window as { showWarningMessage: unknown }).showWarningMessage = fake;
  try {
    return { result: await body(), prompts };
  } finally {
    (vscode.window as { showWarningMessage: unknown }).showWarningMessage = original;
  }
}
