// The Plan view: hours left and the projected finish of each step at the learner's weekly hours,
// against the roadmap's durations (core/roadmap/plan.ts). Redrawn when progress or the settings
// change, and when the window regains focus on another day (the projection moves with the date).
import * as vscode from 'vscode';
import { BuiltInCommands, PLAN_SETTINGS_SECTION, Views } from '../constants';
import { planSettingValues } from '../config';
import { planRows, readPlanSettings, studyPlan, type Pace, type PlanRow } from '../core/roadmap/plan';
import type { LoadedRoadmap } from '../roadmap/roadmap';

const PACE_ICONS: Readonly<Record<Pace, vscode.ThemeIcon>> = {
  done: new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')),
  ahead: new vscode.ThemeIcon('rocket', new vscode.ThemeColor('testing.iconPassed')),
  'on-track': new vscode.ThemeIcon('clock'),
  behind: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
};

/** The weekly hours when the curriculum names none. */
const DEFAULT_HOURS_PER_WEEK = 8;

export class PlanProvider implements vscode.TreeDataProvider<PlanRow>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly roadmap: LoadedRoadmap,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The rows as the view shows them (also for the tests). */
  rows(): PlanRow[] {
    const values = planSettingValues();
    const { settings, problems } = readPlanSettings(values.hoursPerWeek, values.startDate, this.roadmap.curriculum.studyHoursPerWeek ?? DEFAULT_HOURS_PER_WEEK);
    return planRows(studyPlan(this.roadmap.curriculum, this.roadmap, settings, this.now()), problems);
  }

  refresh(): void {
    this.changed.fire();
  }

  getChildren(element?: PlanRow): PlanRow[] {
    return element ? [] : this.rows();
  }

  getTreeItem(row: PlanRow): vscode.TreeItem {
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = row.id;
    item.description = row.description;
    item.tooltip = row.tooltip;
    if (row.pace) {
      item.iconPath = PACE_ICONS[row.pace];
    } else if (row.id === 'plan/pace') {
      item.iconPath = new vscode.ThemeIcon('watch');
      item.command = { command: BuiltInCommands.openSettings, title: vscode.l10n.t('Change the Pace'), arguments: [PLAN_SETTINGS_SECTION] };
    } else {
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    }
    item.accessibilityInformation = { label: `${row.label}: ${row.description}` };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerPlanView(subscriptions: vscode.Disposable[], roadmap: LoadedRoadmap): PlanProvider {
  const provider = new PlanProvider(roadmap);
  let day = new Date().toISOString().slice(0, 10);
  subscriptions.push(
    provider,
    vscode.window.createTreeView(Views.plan, { treeDataProvider: provider }),
    roadmap.onDidChange(() => provider.refresh()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(PLAN_SETTINGS_SECTION)) {
        provider.refresh();
      }
    }),
    vscode.window.onDidChangeWindowState((state) => {
      const today = new Date().toISOString().slice(0, 10);
      if (state.focused && today !== day) {
        day = today;
        provider.refresh();
      }
    }),
  );
  return provider;
}
