// Registers the roadmap's tree view (checkboxes and a badge of steps left) and the status-bar
// tally, and keeps both in step with the progress store and the project records.
import * as vscode from 'vscode';
import { BuiltInCommands, Commands, ContextKeys, StatusBarItems, Views } from '../constants';
import { overallTally } from '../core/progress/summary';
import { itemTally, nextItem, type NextItem } from '../core/roadmap/next';
import { childNodes, stepNodes, type RoadmapNode } from '../core/roadmap/treeModel';
import { checkboxChanges, setDoneWithTopics } from '../progress/actions';
import type { LoadedRoadmap, Roadmap } from '../roadmap/roadmap';
import { RoadmapTreeProvider, type ReviewSource } from './treeProvider';

export interface RoadmapTree {
  readonly treeProvider?: RoadmapTreeProvider;
  readonly treeView?: vscode.TreeView<RoadmapNode>;
  /** The handler of the tree's checkbox events, exposed for integration tests. */
  readonly applyCheckboxChanges?: (event: vscode.TreeCheckboxChangeEvent<RoadmapNode>) => Promise<void>;
}

export function registerRoadmapTree(
  extensionContext: vscode.ExtensionContext,
  roadmap: Roadmap,
  log: vscode.LogOutputChannel,
  reviews?: ReviewSource,
): RoadmapTree {
  const subscriptions = extensionContext.subscriptions;
  if (!roadmap.ok) {
    // The tree stays empty, which shows the welcome view; the message above it says why.
    void vscode.commands.executeCommand(BuiltInCommands.setContext, ContextKeys.curriculumLoadFailed, true);
    const emptyView = vscode.window.createTreeView<RoadmapNode>(Views.roadmap, {
      treeDataProvider: { getChildren: () => [], getTreeItem: () => new vscode.TreeItem('') },
    });
    emptyView.message = roadmap.reason;
    subscriptions.push(emptyView);
    return {};
  }

  const treeProvider = new RoadmapTreeProvider(roadmap.curriculum, roadmap, reviews);
  // An event carries every box ticked or cleared at once (a step's topics, a multi-selection): one write.
  // Ticking a step ticks its topics, after asking; a "no" puts the step's box back as it was.
  const applyCheckboxChanges = async (event: vscode.TreeCheckboxChangeEvent<RoadmapNode>): Promise<void> => {
    const result = await setDoneWithTopics(roadmap, log, checkboxChanges(event), true);
    if (result !== true) {
      treeProvider.refresh(event.items.map(([node]) => node).filter((node) => node.kind === 'step'));
    }
  };
  const treeView = vscode.window.createTreeView(Views.roadmap, {
    treeDataProvider: treeProvider,
    manageCheckboxStateManually: true,
    showCollapseAll: true,
  });
  subscriptions.push(treeProvider, treeView, treeView.onDidChangeCheckboxState(applyCheckboxChanges));
  registerStatusBar(subscriptions, roadmap, treeView);

  // Settings Sync may replace the stored progress, and other windows write theirs, while this
  // window is in the background.
  subscriptions.push(
    vscode.window.onDidChangeWindowState((state) => {
      if (state.focused) {
        void roadmap.progress.reload().catch(() => undefined);
      }
    }),
  );
  return { treeProvider, treeView, applyCheckboxChanges };
}

/** Reveals a project milestone in the roadmap view (from a lesson's "used in" link). */
export async function revealMilestone(tree: RoadmapTree, roadmap: LoadedRoadmap, projectId: string, milestoneId: string): Promise<void> {
  const projectNode = stepNodes(roadmap.curriculum)
    .flatMap((step) => childNodes(step))
    .find((node) => node.kind === 'project' && node.project.id === projectId);
  const milestoneNode = projectNode && childNodes(projectNode).find((node) => node.kind === 'milestone' && node.milestone.id === milestoneId);
  if (tree.treeView && milestoneNode) {
    await tree.treeView.reveal(milestoneNode, { select: true, focus: true, expand: true });
  }
}

function registerStatusBar(subscriptions: vscode.Disposable[], roadmap: LoadedRoadmap, treeView: vscode.TreeView<RoadmapNode>): void {
  const statusBar = vscode.window.createStatusBarItem(StatusBarItems.tally, vscode.StatusBarAlignment.Left, 0);
  statusBar.name = vscode.l10n.t('Distributed Systems Roadmap');
  statusBar.command = Commands.continue;
  subscriptions.push(statusBar);
  const showTally = (): void => {
    const items = itemTally(roadmap.curriculum, roadmap);
    const steps = overallTally(roadmap.curriculum, roadmap);
    const left = steps.total - steps.done;
    statusBar.text = `$(milestone) ${vscode.l10n.t('Roadmap {0}/{1} · {2}%', items.done, items.total, items.percent)}`;
    statusBar.tooltip = [
      vscode.l10n.t(
        '{0} of {1} topics and project milestones done ({2}%); {3} of {4} steps complete.',
        items.done,
        items.total,
        items.percent,
        steps.done,
        steps.total,
      ),
      describeNext(nextItem(roadmap.curriculum, roadmap)),
    ].join('\n');
    treeView.badge = left > 0 ? { value: left, tooltip: vscode.l10n.t('{0} roadmap steps left', left) } : undefined;
  };
  showTally();
  statusBar.show();
  subscriptions.push(roadmap.onDidChange(showTally));
}

/** Settles once the view first showed the steps, or after `timeoutMs` if it has not by then. */
export function afterFirstRender(tree: RoadmapTree, timeoutMs: number): Promise<void> {
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs));
  return Promise.race([tree.treeProvider?.rendered ?? Promise.resolve(), timeout]);
}

/** The status bar tooltip's second line: what a click opens. */
function describeNext(next: NextItem): string {
  switch (next.kind) {
    case 'topic':
      return vscode.l10n.t('Click to continue: "{0}" (step {1}).', next.topic.title, next.stepNumber);
    case 'milestone':
      return next.failing
        ? vscode.l10n.t('Click to continue: fix milestone {0} of {1}, "{2}" (its last check failed).', next.number, next.project.title, next.milestone.title)
        : vscode.l10n.t('Click to continue: milestone {0} of {1}, "{2}".', next.number, next.project.title, next.milestone.title);
    case 'scaffold':
      return vscode.l10n.t('Click to continue: choose a project to build.');
    case 'finished':
      return vscode.l10n.t('Every topic and your project are done.');
  }
}
