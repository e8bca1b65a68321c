// Tree view adapter: maps the core's roadmap nodes onto vscode.TreeItems, with checkboxes on
// steps and topics, theme-coloured state icons and context values for the menus.
import * as vscode from 'vscode';
import { Commands, TreeItemKinds } from '../constants';
import type { Curriculum } from '../core/curriculum/model';
import type { MilestoneState, ProgressView, StepState } from '../core/progress/summary';
import {
  childNodes,
  DETAIL_LABELS,
  parentNode,
  presentMilestone,
  presentProject,
  presentStep,
  presentTopic,
  stepNodes,
  stepsShowing,
  type RoadmapNode,
} from '../core/roadmap/treeModel';
import type { RoadmapChange } from '../roadmap/roadmap';

const PASSED = new vscode.ThemeColor('testing.iconPassed');

const STEP_ICONS: Readonly<Record<StepState, vscode.ThemeIcon>> = {
  'not-started': new vscode.ThemeIcon('circle-large-outline'),
  'in-progress': new vscode.ThemeIcon('circle-large-filled', new vscode.ThemeColor('charts.yellow')),
  done: new vscode.ThemeIcon('pass-filled', PASSED),
};

const MILESTONE_ICONS: Readonly<Record<MilestoneState, vscode.ThemeIcon>> = {
  'not-started': new vscode.ThemeIcon('circle-large-outline'),
  'self-reported': new vscode.ThemeIcon('check', new vscode.ThemeColor('charts.yellow')),
  verified: new vscode.ThemeIcon('verified-filled', PASSED),
  failing: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
};

const DETAIL_ICONS = {
  objective: new vscode.ThemeIcon('target'),
  goal: new vscode.ThemeIcon('milestone'),
  textbook: new vscode.ThemeIcon('book'),
} as const;

/** What the tree shows: the progress, and what changed in it. */
export interface TreeSource extends ProgressView {
  readonly onDidChange: (listener: (change: RoadmapChange) => void) => { dispose(): void };
}

export class RoadmapTreeProvider implements vscode.TreeDataProvider<RoadmapNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RoadmapNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };
  /**
   * The nodes handed to VS Code, by id: it finds an element to refresh by identity, so a refresh
   * names the very objects getChildren returned.
   */
  private readonly shown = new Map<string, RoadmapNode>();

  constructor(
    private readonly curriculum: Curriculum,
    private readonly progress: TreeSource,
  ) {
    // A change alters its items and their step's description and icon: refresh those steps, in one
    // event, and no other (a whole-tree refresh collapsed a step the learner was expanding meanwhile).
    this.subscription = progress.onDidChange(({ progressIds, projects }) => {
      const steps = stepsShowing(curriculum, progressIds, projects).flatMap((id) => this.shown.get(id) ?? []);
      if (steps.length > 0) {
        this.changed.fire(steps);
      }
    });
  }

  /** Settles once VS Code asked for the roadmap's steps: work the first render does not need waits for it. */
  readonly rendered: Promise<void> = new Promise((resolve) => (this.markRendered = resolve));
  private markRendered: () => void = () => undefined;

  getChildren(element?: RoadmapNode): RoadmapNode[] {
    if (!element) {
      // After this call returns, once its items went out.
      setTimeout(this.markRendered, 0);
    }
    const nodes = element ? childNodes(element) : stepNodes(this.curriculum);
    return nodes.map((node) => {
      const known = this.shown.get(node.id);
      if (known) {
        return known;
      }
      this.shown.set(node.id, node);
      return node;
    });
  }

  /** Draws these nodes again from the progress: a step whose box the learner ticked and then declined to apply. */
  refresh(nodes: readonly RoadmapNode[]): void {
    const shown = nodes.flatMap((node) => this.shown.get(node.id) ?? []);
    if (shown.length > 0) {
      this.changed.fire(shown);
    }
  }

  getParent(element: RoadmapNode): RoadmapNode | undefined {
    const parent = parentNode(this.curriculum, element);
    return parent && (this.shown.get(parent.id) ?? parent);
  }

  getTreeItem(node: RoadmapNode): vscode.TreeItem {
    const item = this.createItem(node);
    item.id = node.id;
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  private createItem(node: RoadmapNode): vscode.TreeItem {
    switch (node.kind) {
      case 'step': {
        const view = presentStep(node.step, node.number, this.progress);
        const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = view.description;
        item.tooltip = new vscode.MarkdownString(view.tooltipMarkdown);
        item.iconPath = STEP_ICONS[view.state];
        item.contextValue = view.state === 'done' ? TreeItemKinds.stepDone : TreeItemKinds.stepTodo;
        item.checkboxState = checkbox(view.state === 'done');
        item.accessibilityInformation = { label: `Step ${node.number}: ${view.label}, ${view.description}` };
        return item;
      }
      case 'topic': {
        const view = presentTopic(node.topic, this.progress);
        const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.None);
        item.description = view.description;
        item.tooltip = new vscode.MarkdownString(view.tooltipMarkdown);
        item.iconPath = new vscode.ThemeIcon('mortar-board');
        item.contextValue = view.state === 'done' ? TreeItemKinds.topicDone : TreeItemKinds.topicTodo;
        item.checkboxState = checkbox(view.state === 'done');
        item.command = { command: Commands.openLesson, title: 'Open Lesson', arguments: [node.topic.id] };
        return item;
      }
      case 'detail': {
        const item = new vscode.TreeItem(DETAIL_LABELS[node.field], vscode.TreeItemCollapsibleState.None);
        item.description = node.text;
        item.tooltip = node.text;
        item.iconPath = DETAIL_ICONS[node.field];
        item.contextValue = TreeItemKinds.detail;
        return item;
      }
      case 'project': {
        const view = presentProject(node.project, this.progress);
        const hasMilestones = (node.project.milestones ?? []).length > 0;
        const item = new vscode.TreeItem(view.label, hasMilestones ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.description = view.description;
        item.tooltip = new vscode.MarkdownString(view.tooltipMarkdown);
        item.iconPath = new vscode.ThemeIcon(view.state === 'scaffolded' ? 'folder-active' : 'tools');
        item.contextValue = TreeItemKinds.project;
        return item;
      }
      case 'milestone': {
        const view = presentMilestone(node, this.progress);
        const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.None);
        item.description = view.description;
        item.tooltip = new vscode.MarkdownString(view.tooltipMarkdown);
        item.iconPath = MILESTONE_ICONS[view.state];
        item.contextValue = TreeItemKinds.milestone;
        return item;
      }
    }
  }
}

function checkbox(checked: boolean): vscode.TreeItemCheckboxState {
  return checked ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked;
}
