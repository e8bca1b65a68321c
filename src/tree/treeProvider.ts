// Tree view adapter: maps the core's roadmap nodes onto vscode.TreeItems, with checkboxes on
// steps and topics, theme-coloured state icons and context values for the menus.
import * as vscode from 'vscode';
import { Commands, TreeItemKinds } from '../constants';
import type { Curriculum } from '../core/curriculum/model';
import type { MilestoneState, ProgressView, StepState } from '../core/progress/summary';
import {
  childNodes,
  detailLabel,
  parentNode,
  presentMilestone,
  presentProject,
  presentStep,
  presentReviews,
  presentReviewTopic,
  presentTopic,
  rootNodes,
  stepsShowing,
  type RoadmapNode,
} from '../core/roadmap/treeModel';
import type { DueReview } from '../core/review/schedule';
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
  unverified: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('testing.iconSkipped')),
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

/** The topics due for review, and when that list may have changed (review/reviewBoard.ts). */
export interface ReviewSource {
  due(): readonly DueReview[];
  readonly onDidChange: (listener: () => void) => { dispose(): void };
}

export class RoadmapTreeProvider implements vscode.TreeDataProvider<RoadmapNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RoadmapNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: { dispose(): void }[];
  /**
   * The nodes handed to VS Code, by id: it finds an element to refresh by identity, so a refresh
   * names the very objects getChildren returned.
   */
  private readonly shown = new Map<string, RoadmapNode>();

  constructor(
    private readonly curriculum: Curriculum,
    private readonly progress: TreeSource,
    private readonly reviews?: ReviewSource,
  ) {
    // A change alters its items and their step's description and icon: refresh those steps, in one
    // event, and no other (a whole-tree refresh collapsed a step the learner was expanding meanwhile).
    this.subscriptions = [
      progress.onDidChange(({ progressIds, projects }) => {
        const steps = stepsShowing(curriculum, progressIds, projects).flatMap((id) => this.shown.get(id) ?? []);
        if (steps.length > 0) {
          this.changed.fire(steps);
        }
      }),
      // The review row comes and goes above the steps: only the top level can show that.
      ...(reviews ? [reviews.onDidChange(() => this.changed.fire(undefined))] : []),
    ];
  }

  /** Settles once VS Code asked for the roadmap's steps: work the first render does not need waits for it. */
  readonly rendered: Promise<void> = new Promise((resolve) => (this.markRendered = resolve));
  private markRendered: () => void = () => undefined;

  getChildren(element?: RoadmapNode): RoadmapNode[] {
    if (!element) {
      // After this call returns, once its items went out.
      setTimeout(this.markRendered, 0);
    }
    const nodes = element ? childNodes(element) : rootNodes(this.curriculum, this.reviews?.due() ?? []);
    return nodes.map((node) => {
      const known = this.shown.get(node.id);
      // The review rows carry the due list they showed: always the latest.
      if (known && node.kind !== 'reviews' && node.kind !== 'reviewTopic') {
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
    this.subscriptions.forEach((subscription) => subscription.dispose());
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
        item.accessibilityInformation = { label: vscode.l10n.t('Step {0}: {1}, {2}', node.number, view.label, view.description) };
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
        item.command = { command: Commands.openLesson, title: vscode.l10n.t('Open Lesson'), arguments: [node.topic.id] };
        item.accessibilityInformation = { label: vscode.l10n.t('Topic: {0}, {1}', view.label, view.description) };
        return item;
      }
      case 'detail': {
        const item = new vscode.TreeItem(detailLabel(node.field), vscode.TreeItemCollapsibleState.None);
        item.description = node.text;
        item.tooltip = node.text;
        item.iconPath = DETAIL_ICONS[node.field];
        item.contextValue = TreeItemKinds.detail;
        item.accessibilityInformation = { label: vscode.l10n.t('{0}: {1}', detailLabel(node.field), node.text) };
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
        item.accessibilityInformation = { label: vscode.l10n.t('Project: {0}, {1}', view.label, view.description) };
        return item;
      }
      case 'milestone': {
        const view = presentMilestone(node, this.progress);
        const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.None);
        item.description = view.description;
        item.tooltip = new vscode.MarkdownString(view.tooltipMarkdown);
        item.iconPath = MILESTONE_ICONS[view.state];
        item.contextValue = TreeItemKinds.milestone;
        item.accessibilityInformation = { label: vscode.l10n.t('Milestone {0}: {1}, {2}', node.number, view.label, view.description) };
        return item;
      }
      case 'reviews': {
        const view = presentReviews(node.due);
        const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.Expanded);
        item.description = view.description;
        item.tooltip = new vscode.MarkdownString(view.tooltipMarkdown);
        item.iconPath = new vscode.ThemeIcon('history', new vscode.ThemeColor('charts.orange'));
        item.contextValue = TreeItemKinds.reviews;
        item.accessibilityInformation = { label: vscode.l10n.t('{0}: {1}', view.label, view.description) };
        return item;
      }
      case 'reviewTopic': {
        const view = presentReviewTopic(node);
        const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.None);
        item.description = view.description;
        item.tooltip = new vscode.MarkdownString(view.tooltipMarkdown);
        item.iconPath = new vscode.ThemeIcon('mortar-board');
        item.contextValue = TreeItemKinds.reviewTopic;
        item.command = { command: Commands.openLesson, title: vscode.l10n.t('Open Lesson'), arguments: [node.review.topic.id] };
        item.accessibilityInformation = { label: vscode.l10n.t('Due for review: {0}, {1}', view.label, view.description) };
        return item;
      }
    }
  }
}

function checkbox(checked: boolean): vscode.TreeItemCheckboxState {
  return checked ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked;
}
