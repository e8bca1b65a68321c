// Shared helpers of the integration tests: the activated extension's API and a way to answer
// modal dialogs without a person.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CompiledTemplate } from '../../src/core/scaffold/template';
import type { RoadmapApi } from '../../src/extension';

import { EXTENSION_ID } from '../../src/constants';

export { EXTENSION_ID };

export async function activatedApi(): Promise<RoadmapApi> {
  const extension = vscode.extensions.getExtension<RoadmapApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not installed`);
  const api = await extension.activate();
  assert.ok(api.roadmap.ok, api.roadmap.ok ? '' : api.roadmap.reason);
  useFixtureTemplates(api);
  return api;
}

/**
 * The harness (scripts/vscode/run-integration.ts) compiles the fixture templates of
 * test/fixtures/projects, whose milestone tests pass or fail on purpose, and names the file in
 * DS_ROADMAP_TEST_TEMPLATES: the extension serves those instead of dist/templates.json.
 */
function useFixtureTemplates(api: RoadmapApi): void {
  const file = process.env.DS_ROADMAP_TEST_TEMPLATES;
  if (file) {
    api.templates.replaceWith(JSON.parse(readFileSync(file, 'utf8')) as CompiledTemplate[]);
  }
}

/** Replaces showWarningMessage while `body` runs, answering with `answer` and recording the prompts. */
export async function answeringWarnings<T>(answer: string | undefined, body: () => Thenable<T>): Promise<{ result: T; prompts: string[] }> {
  return replacing(
    vscode.window,
    'showWarningMessage',
    () => answer,
    async (calls) => ({ result: await body(), prompts: calls.map((args) => String(args[0])) }),
  );
}

/**
 * Replaces one function of a VS Code API namespace while `body` runs, recording the arguments
 * of each call; `answer` gives what each call returns.
 */
export async function replacing<T>(
  namespace: object,
  name: string,
  answer: (...args: unknown[]) => unknown,
  body: (calls: unknown[][]) => Thenable<T> | Promise<T>,
): Promise<T> {
  const target = namespace as Record<string, unknown>;
  const original = target[name];
  const calls: unknown[][] = [];
  target[name] = (...args: unknown[]) => {
    calls.push(args);
    return Promise.resolve(answer(...args));
  };
  try {
    return await body(calls);
  } finally {
    target[name] = original;
  }
}

/** Waits until `condition` holds, failing with `what` after `timeoutMs`. */
export async function eventually(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting until ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
