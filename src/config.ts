// The extension's settings, read through one typed wrapper. The node path and the workspace copy
// decide what runs and what is written on the learner's behalf, so only the learner's own (user or
// remote machine) value counts: a workspace's .vscode/settings.json is ignored, whatever its trust.
// The study plan's pace only changes what the Plan view says, so any scope may set it.
import * as vscode from 'vscode';
import { Settings } from './constants';

/** The Node.js executable that runs milestone checks: the user's setting, or `node` from PATH. */
export function nodeExecutable(): string {
  const configured = userValue<string>(Settings.nodePath)?.trim() ?? '';
  return configured.length > 0 ? configured : 'node';
}

/** Whether the learner turned on the workspace copy of their progress. */
export function keepProgressInWorkspace(): boolean {
  return userValue<boolean>(Settings.keepProgressInWorkspace) === true;
}

function userValue<T>(key: string): T | undefined {
  return vscode.workspace.getConfiguration().inspect<T>(key)?.globalValue;
}

/** The study plan's raw settings; core/roadmap/plan.ts readPlanSettings checks them. */
export function planSettingValues(): { hoursPerWeek: unknown; startDate: unknown } {
  const configuration = vscode.workspace.getConfiguration();
  return { hoursPerWeek: configuration.get<unknown>(Settings.planHoursPerWeek), startDate: configuration.get<unknown>(Settings.planStartDate) };
}
