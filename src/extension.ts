// Entry point: loads the compiled curriculum, the progress store and the project records, then
// wires the commands, views and lesson panels. No logic of its own.
import * as vscode from 'vscode';
import { StateKeys, WebviewTypes } from './constants';
import { registerCommands } from './commands';
import { registerWorkspaceMirror } from './progress/workspaceMirror';
import { LessonPanels } from './lesson/lessonPanel';
import { registerRoadmapTree, revealMilestone, type RoadmapTree } from './tree/register';
import type { Roadmap, RoadmapContext } from './roadmap/roadmap';
import { loadRoadmap } from './roadmap/load';
import { TemplateCatalog } from './roadmap/templates';
import { registerWalkthroughContext } from './walkthrough/contextKeys';
import { registerPlanView, type PlanProvider } from './plan/planView';

/** What the extension exports, for its integration tests. */
export interface RoadmapApi {
  readonly roadmap: Roadmap;
  readonly tree: RoadmapTree;
  readonly lessons?: LessonPanels;
  readonly plan?: PlanProvider;
  /** The step-6 templates; the integration tests replace them with fixtures. */
  readonly templates: TemplateCatalog;
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
  const templates = new TemplateCatalog(vscode.Uri.joinPath(context.extensionUri, 'dist', 'templates.json').fsPath);
  const ctx: RoadmapContext = {
    roadmap,
    log,
    extensionUri: context.extensionUri,
    scratchDir: context.globalStorageUri.fsPath,
    templates: () => templates.all(),
  };
  const tree = registerRoadmapTree(context, roadmap, log);
  const lessons = roadmap.ok ? new LessonPanels(ctx, roadmap, (project, milestone) => revealMilestone(tree, roadmap, project, milestone)) : undefined;
  if (lessons) {
    context.subscriptions.push(lessons);
  }
  // Lessons open at the last shutdown come back (activation event onWebviewPanel); without a curriculum they close.
  const closeLesson: vscode.WebviewPanelSerializer = { deserializeWebviewPanel: (panel) => Promise.resolve(panel.dispose()) };
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(WebviewTypes.lesson, lessons ?? closeLesson));
  const plan = roadmap.ok ? registerPlanView(context.subscriptions, roadmap) : undefined;
  if (roadmap.ok) {
    registerWalkthroughContext(context.subscriptions, roadmap);
    registerWorkspaceMirror(context.subscriptions, roadmap, log);
  }
  registerCommands(context, ctx, { lessons });
  log.info(`Activated in ${Date.now() - started} ms (curriculum and progress loaded in ${loadedAt - started} ms).`);
  return { roadmap, tree, lessons, plan, templates, storedProgress: () => context.globalState.get(StateKeys.progress) };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
