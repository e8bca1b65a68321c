// Entry point: loads the compiled curriculum, the progress store and the project records, then
// wires the commands, views and lesson panels. No logic of its own.
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { StateKeys } from './constants';
import { registerCommands } from './commands';
import { registerWorkspaceMirror } from './progress/workspaceMirror';
import type { CompiledTemplate } from './core/scaffold/template';
import { LessonPanels } from './lesson/lessonPanel';
import { registerRoadmapTree, revealMilestone, type RoadmapTree } from './tree/register';
import type { Roadmap, RoadmapContext } from './roadmap/roadmap';
import { loadRoadmap } from './roadmap/load';
import { registerWalkthroughContext } from './walkthrough/contextKeys';

/** What the extension exports, for its integration tests. */
export interface RoadmapApi {
  readonly roadmap: Roadmap;
  readonly tree: RoadmapTree;
  readonly lessons?: LessonPanels;
  /** The progress value as VS Code stored it, to check persistence. */
  storedProgress(): unknown;
}

export async function activate(context: vscode.ExtensionContext): Promise<RoadmapApi> {
  const started = Date.now();
  const log = vscode.window.createOutputChannel(vscode.l10n.t('Distributed Systems Roadmap'), { log: true });
  context.subscriptions.push(log);
  context.globalState.setKeysForSync([StateKeys.progress, StateKeys.signingKey]);

  const roadmap = await loadRoadmap(context, log);
  const loadedAt = Date.now();
  let templates: Promise<readonly CompiledTemplate[]> | undefined;
  const ctx: RoadmapContext = {
    roadmap,
    log,
    extensionUri: context.extensionUri,
    scratchDir: context.globalStorageUri.fsPath,
    templates: () => (templates ??= readJson<CompiledTemplate[]>(templatesFile(context))),
  };
  const tree = registerRoadmapTree(context, roadmap, log);
  const lessons = roadmap.ok
    ? new LessonPanels(ctx, roadmap, (project, milestone) => revealMilestone(tree, roadmap, project, milestone))
    : undefined;
  if (lessons) {
    context.subscriptions.push(lessons);
  }
  if (roadmap.ok) {
    registerWalkthroughContext(context.subscriptions, roadmap);
    registerWorkspaceMirror(context.subscriptions, roadmap, log);
  }
  registerCommands(context, ctx, { lessons });
  log.info(`Activated in ${Date.now() - started} ms (curriculum and progress loaded in ${loadedAt - started} ms).`);
  return { roadmap, tree, lessons, storedProgress: () => context.globalState.get(StateKeys.progress) };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

/**
 * dist/templates.json; under test (ExtensionMode.Test) the integration tests may point
 * DS_ROADMAP_TEST_TEMPLATES at compiled fixture templates instead.
 */
function templatesFile(context: vscode.ExtensionContext): vscode.Uri {
  const fixture = process.env.DS_ROADMAP_TEST_TEMPLATES;
  if (context.extensionMode === vscode.ExtensionMode.Test && fixture) {
    return vscode.Uri.file(fixture);
  }
  return vscode.Uri.joinPath(context.extensionUri, 'dist', 'templates.json');
}

async function readJson<T>(uri: vscode.Uri): Promise<T> {
  return JSON.parse(await readFile(uri.fsPath, 'utf8')) as T;
}
