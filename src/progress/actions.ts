// Marking steps and topics done or not done, for every adapter: the commands, the tree's
// checkboxes and the lesson panel call this rather than one another's commands. Several changes
// are one store write (core/roadmap/progressActions.ts); a failure is shown once. Marking a step
// marks its topics (a step is done when they all are), after asking when that changes any.
import * as vscode from 'vscode';
import * as actions from '../core/roadmap/progressActions';
import type { DoneChange } from '../core/roadmap/progressActions';
import { findStep } from '../core/curriculum/model';
import type { RoadmapNode } from '../core/roadmap/treeModel';
import { showFailure } from '../errors';
import type { LoadedRoadmap } from '../roadmap/roadmap';

export type { DoneChange } from '../core/roadmap/progressActions';

/** Marks every step and topic of `changes` as one write; false (the failure shown) when it failed. */
export async function setDone(roadmap: LoadedRoadmap, log: vscode.LogOutputChannel, changes: readonly DoneChange[]): Promise<boolean> {
  try {
    await actions.setDone(roadmap, changes, log);
    return true;
  } catch (error) {
    showFailure(log, `Marking ${changes.map((change) => `${change.kind} "${change.id}"`).join(', ')}`, error);
    return false;
  }
}

/** What a checkbox event asks for: every step and topic ticked or cleared in it. */
export function checkboxChanges(event: vscode.TreeCheckboxChangeEvent<RoadmapNode>): DoneChange[] {
  return event.items.flatMap(([node, state]) => actions.checkboxChange(node, state === vscode.TreeItemCheckboxState.Checked) ?? []);
}

/**
 * Marks steps and topics, each step's topics following it. When that changes topics and `ask` is
 * set, asks first: 'declined' (nothing written) when the learner says no. Command links that name a
 * step ("Mark Step Complete" in a walkthrough) do not ask; the tree and the Command Palette do.
 */
export async function setDoneWithTopics(
  roadmap: LoadedRoadmap,
  log: vscode.LogOutputChannel,
  changes: readonly DoneChange[],
  ask: boolean,
): Promise<boolean | 'declined'> {
  const expanded = actions.expandStepChanges(roadmap.curriculum, roadmap, changes);
  if (ask && expanded.addedTopics > 0 && !(await confirmTopics(roadmap, changes, expanded.addedTopics))) {
    return 'declined';
  }
  return setDone(roadmap, log, expanded.changes);
}

async function confirmTopics(roadmap: LoadedRoadmap, changes: readonly DoneChange[], topics: number): Promise<boolean> {
  const steps = changes.filter((change) => change.kind === 'step');
  const done = steps.every((change) => change.done);
  const only = steps.length === 1 ? findStep(roadmap.curriculum, steps[0].id) : undefined;
  const question = only
    ? done
      ? vscode.l10n.t('Mark the {0} topic(s) left in "{1}" done?', topics, only.title)
      : vscode.l10n.t('Mark the {0} topic(s) of "{1}" not done?', topics, only.title)
    : done
      ? vscode.l10n.t('Mark the {0} topic(s) left in these steps done?', topics)
      : vscode.l10n.t('Mark the {0} topic(s) of these steps not done?', topics);
  const yes = done ? vscode.l10n.t('Mark Topics Done') : vscode.l10n.t('Mark Topics Not Done');
  const answer = await vscode.window.showWarningMessage(
    question,
    { modal: true, detail: vscode.l10n.t('A step is done when all its topics are, so marking a step marks its topics.') },
    yes,
  );
  return answer === yes;
}
