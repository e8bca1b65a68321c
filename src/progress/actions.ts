// Marking steps and topics done or not done, for every adapter: the commands, the tree's
// checkboxes and the lesson panel call this rather than one another's commands. Several changes
// are one store write (core/roadmap/progressActions.ts); a failure is shown once.
import * as vscode from 'vscode';
import * as actions from '../core/roadmap/progressActions';
import type { DoneChange } from '../core/roadmap/progressActions';
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
