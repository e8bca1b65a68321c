// Tree view adapter: maps the core's roadmap nodes onto vscode.TreeItems, with checkboxes on
// steps, theme-coloured state icons and context values for the menus.
import * as vscode from 'vscode';
import { TreeItemKinds } from '../constants';
import type { Curriculum } from '../core/curriculum/model';
import type { ProgressStore } from '../core/progress/store';
import type { StepState } from '../core/progress/summary';
import { childNodes, DETAIL_LABELS, presentStep, stepNodes, type RoadmapNode } from '../core/roadmap/treeModel';

const STATE_ICONS: Readonly<Record<StepState, vscode.ThemeIcon>> = {
  'not-started': new vscode.ThemeIcon('circle-large-outline'),
  'in-progress': new vscode.ThemeIcon('circle-large-filled', new vscode.ThemeColor('charts.yellow')),
  done: new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')),
};

const DETAIL_ICONS = {
  objective: new vscode.ThemeIcon('target'),
  goal: new vscode.ThemeIcon('milestone'),
  textbook: new vscode.ThemeIcon('book'),
} as const;

export class RoadmapTreeProvider implements vscode.TreeDataProvider<RoadmapNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RoadmapNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly storeSubscription: { dispose(): void };

  constructor(
    private readonly curriculum: Curriculum,
    private readonly progress: ProgressStore,
  ) {
    // A record change can alter a step's description and icon: refresh the whole (small) tree.
    this.storeSubscription = progress.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(element?: RoadmapNode): RoadmapNode[] {
    return element ? childNodes(element) : stepNodes(this.curriculum);
  }

  getParent(element: RoadmapNode): RoadmapNode | undefined {
    return element.kind === 'step' ? undefined : stepNodes(this.curriculum).find((step) => childNodes(step).some((child) => child.id === element.id));
  }

  getTreeItem(node: RoadmapNode): vscode.TreeItem {
    switch (node.kind) {
      case 'step':
        return this.stepItem(node);
      case 'detail': {
        const item = new vscode.TreeItem(DETAIL_LABELS[node.field], vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = node.text;
        item.tooltip = node.text;
        item.iconPath = DETAIL_ICONS[node.field];
        item.contextValue = TreeItemKinds.detail;
        return item;
      }
      case 'project': {
        const item = new vscode.TreeItem(node.project.title, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.tooltip = node.project.idea;
        item.iconPath = new vscode.ThemeIcon('tools');
        item.contextValue = TreeItemKinds.project;
        return item;
      }
    }
  }

  dispose(): void {
    this.storeSubscription.dispose();
    this.changed.dispose();
  }

  private stepItem(node: Extract<RoadmapNode, { kind: 'step' }>): vscode.TreeItem {
    const view = presentStep(node.step, node.number, this.progress);
    const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.id;
    item.description = view.description;
    item.tooltip = new vscode.MarkdownString(view.tooltipMarkdown);
    item.iconPath = STATE_ICONS[view.state];
    item.contextValue = view.state === 'done' ? TreeItemKinds.stepDone : TreeItemKinds.stepTodo;
    item.checkboxState =
      view.state === 'done' ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked;
    item.accessibilityInformation = { label: `Step ${node.number}: ${view.label}, ${view.description}` };
    return item;
  }
}
