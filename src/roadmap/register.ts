// Registers the roadmap view (tree with checkboxes and a badge of steps left) and the status-bar
// tally, and keeps both in step with the progress store.
import * as vscode from 'vscode';
import { Commands, ContextKeys, Views } from '../constants';
import { overallTally } from '../core/progress/summary';
import type { RoadmapNode } from '../core/roadmap/treeModel';
import type { RoadmapContext } from '../roadmapContext';
import { RoadmapTreeProvider } from './treeProvider';

export interface RoadmapViews {
  /** Undefined when the curriculum failed to load. */
  readonly treeProvider?: RoadmapTreeProvider;
  /** The handler of the tree's checkbox events, exposed for integration tests. */
  readonly applyCheckboxChanges?: (event: vscode.TreeCheckboxChangeEvent<RoadmapNode>) => Promise<void>;
}

export function registerRoadmapViews(extensionContext: vscode.ExtensionContext, ctx: RoadmapContext): RoadmapViews {
  const subscriptions = extensionContext.subscriptions;
  const { roadmap } = ctx;
  if (!roadmap.ok) {
    // The tree stays empty, which shows the welcome view that explains the failure.
    void vscode.commands.executeCommand('setContext', ContextKeys.curriculumLoadFailed, true);
    const emptyView = vscode.window.createTreeView<RoadmapNode>(Views.roadmap, {
      treeDataProvider: { getChildren: () => [], getTreeItem: () => new vscode.TreeItem('') },
    });
    emptyView.message = roadmap.reason;
    subscriptions.push(emptyView);
    return {};
  }

  const treeProvider = new RoadmapTreeProvider(roadmap.curriculum, roadmap.progress);
  const treeView = vscode.window.createTreeView(Views.roadmap, {
    treeDataProvider: treeProvider,
    manageCheckboxStateManually: true,
    showCollapseAll: true,
  });
  subscriptions.push(treeProvider, treeView);

  subscriptions.push(treeView.onDidChangeCheckboxState(applyCheckboxChanges));

  const statusBar = vscode.window.createStatusBarItem('dsRoadmap.status', vscode.StatusBarAlignment.Left, 0);
  statusBar.name = vscode.l10n.t('Distributed Systems Roadmap');
  statusBar.command = Commands.openRoadmap;
  subscriptions.push(statusBar);

  const showTally = (): void => {
    const tally = overallTally(roadmap.curriculum, roadmap.progress);
    const left = tally.total - tally.done;
    statusBar.text = `$(milestone) ${vscode.l10n.t('Roadmap {0}/{1}', tally.done, tally.total)}`;
    statusBar.tooltip = vscode.l10n.t('{0} of {1} roadmap steps complete. Click to open the roadmap.', tally.done, tally.total);
    treeView.badge =
      left > 0 ? { value: left, tooltip: vscode.l10n.t('{0} roadmap steps left', left) } : undefined;
  };
  showTally();
  statusBar.show();
  subscriptions.push(roadmap.progress.onDidChange(showTally));

  // Settings Sync may replace the stored progress while the window is in the background.
  subscriptions.push(
    vscode.window.onDidChangeWindowState((state) => {
      if (state.focused) {
        roadmap.progress.reload();
      }
    }),
  );
  return { treeProvider, applyCheckboxChanges };
}

/** A ticked or cleared step checkbox goes through the same commands as the menus. */
async function applyCheckboxChanges(event: vscode.TreeCheckboxChangeEvent<RoadmapNode>): Promise<void> {
  for (const [node, state] of event.items) {
    if (node.kind === 'step') {
      const command =
        state === vscode.TreeItemCheckboxState.Checked ? Commands.markStepComplete : Commands.markStepIncomplete;
      await vscode.commands.executeCommand(command, node.step.id);
    }
  }
}
