// Entry point: loads the compiled curriculum, the progress store and the project records, then
// wires the commands, views and lesson panels. No logic of its own.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { StateKeys, WebviewTypes } from './constants';
import { projectCommands, registerCommands } from './commands';
import { registerWorkspaceMirror } from './progress/workspaceMirror';
import { LazyLessonPanels } from './lesson/lazy';
import { afterFirstRender, registerRoadmapTree, revealMilestone, type RoadmapTree } from './tree/register';
import type { Roadmap, RoadmapContext } from './roadmap/roadmap';
import { loadRoadmap, startJournalWatcher } from './roadmap/load';
import { TemplateCatalog } from './roadmap/templates';
import { registerWalkthroughContext } from './walkthrough/contextKeys';
import type * as Testing from './testing/controller';
import { PhaseTimer } from './core/util/phases';

/** Set by the bundle's first line (esbuild.js banner); absent when the sources run unbundled. */
declare const __dsRoadmapLoadStart: number | undefined;
const loadStart = typeof __dsRoadmapLoadStart === 'number' ? __dsRoadmapLoadStart : performance.now();
const loadEnd = performance.now();
import { registerPlanView, type PlanProvider } from './plan/planView';
import { ReviewBoard } from './review/reviewBoard';

/** What the extension exports, for its integration tests. */
export interface RoadmapApi {
  readonly roadmap: Roadmap;
  readonly tree: RoadmapTree;
  readonly lessons?: LazyLessonPanels;
  readonly plan?: PlanProvider;
  /** The step-6 templates; the integration tests replace them with fixtures. */
  readonly templates: TemplateCatalog;
  /** The Testing view's controller of the milestones. */
  readonly tests?: Testing.MilestoneTests;
  /** The spaced review; tests move its clock to make a topic fall due. */
  readonly reviews?: ReviewBoard;
  /** The progress value as VS Code stored it, once the summary write a change left for later is done, to check persistence. */
  storedProgress(): Promise<unknown>;
}

/** Synchronous: the view registers in the turn that activation starts in (roadmap/load.ts says why). */
export function activate(context: vscode.ExtensionContext): RoadmapApi {
  const timer = new PhaseTimer(() => performance.now());
  // The core's strings (@vscode/l10n) read the same bundle as the adapters' (vscode.l10n); in English there is none.
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
  const log = vscode.window.createOutputChannel(vscode.l10n.t('Distributed Systems Roadmap'), { log: true });
  context.subscriptions.push(log);
  context.globalState.setKeysForSync([StateKeys.progress, StateKeys.signingKey]);

  const roadmap = loadRoadmap(context, log, timer);
  const templates = new TemplateCatalog(vscode.Uri.joinPath(context.extensionUri, 'dist', 'templates.json').fsPath);
  const ctx: RoadmapContext = {
    roadmap,
    log,
    extensionUri: context.extensionUri,
    scratchDir: context.globalStorageUri.fsPath,
    templates: () => templates.all(),
  };
  const reviews = roadmap.ok ? new ReviewBoard(roadmap, log) : undefined;
  if (reviews) {
    context.subscriptions.push(reviews);
  }
  const tree = registerRoadmapTree(context, roadmap, log, reviews);
  timer.mark('view registration');
  const lessons =
    roadmap.ok && reviews
      ? new LazyLessonPanels([ctx, roadmap, reviews, (project, milestone) => revealMilestone(tree, roadmap, project, milestone)])
      : undefined;
  if (lessons) {
    context.subscriptions.push(lessons);
  }
  // Lessons open at the last shutdown come back (activation event onWebviewPanel); without a curriculum they close.
  const closeLesson: vscode.WebviewPanelSerializer = { deserializeWebviewPanel: (panel) => Promise.resolve(panel.dispose()) };
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(WebviewTypes.lesson, lessons ?? closeLesson));
  const plan = roadmap.ok ? registerPlanView(context.subscriptions, roadmap) : undefined;
  // The Testing view's controller lists the workspace's projects: made after the first render, or on the first read of the API's `tests`.
  let tests: Testing.MilestoneTests | undefined;
  const milestoneTests = () => (roadmap.ok ? (tests ??= testing().registerMilestoneTests(context.subscriptions, ctx, roadmap, projectCommands)) : undefined);
  if (roadmap.ok) {
    // Off the path of the first render; a view that stays hidden (activated by a command) waits 1 s.
    void afterFirstRender(tree, 1000).then(() => {
      registerWalkthroughContext(context.subscriptions, roadmap);
      startJournalWatcher(context, roadmap, log);
      registerWorkspaceMirror(context.subscriptions, roadmap, log);
      milestoneTests();
    });
  }
  registerCommands(context, ctx, { lessons });
  timer.mark('commands');
  const moduleLoad = loadEnd - loadStart;
  log.info(`Activated in ${(moduleLoad + timer.total()).toFixed(1)} ms (module load ${moduleLoad.toFixed(1)} ms, ${timer.describe()}).`);
  return {
    roadmap,
    tree,
    lessons,
    plan,
    templates,
    get tests() {
      return milestoneTests();
    },
    reviews,
    storedProgress: () => storedProgress(context, roadmap),
  };
}

/** The Testing view's controller, bundled apart (dist/testing.js, next to this bundle): the first render does not need it. */
function testing(): typeof Testing {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./testing.js') as typeof Testing;
}

async function storedProgress(context: vscode.ExtensionContext, roadmap: Roadmap): Promise<unknown> {
  if (roadmap.ok) {
    await roadmap.progress.flush();
  }
  return context.globalState.get(StateKeys.progress);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
