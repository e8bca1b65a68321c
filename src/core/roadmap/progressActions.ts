// Marking steps and topics done or not done, several at once: the one path the commands, the
// tree's checkboxes and the lesson panel share. However many items, it is one store write (one
// journal append, one summary write, one change event), so a view refreshes once.
import { findStep, findTopic, type Curriculum } from '../curriculum/model';
import { UnknownProgressItemError, type Change } from '../progress/store';
import type { RoadmapNode } from './treeModel';

/** A step or topic the learner marks done or not done. */
export interface DoneChange {
  readonly kind: 'step' | 'topic';
  readonly id: string;
  readonly done: boolean;
}

/** What setDone works on: the curriculum, and the progress store (or a fake) that applies changes as one write. */
export interface ProgressTarget {
  readonly curriculum: Curriculum;
  readonly progress: { apply(changes: readonly Change[]): Promise<unknown> };
}

export interface InfoLog {
  info(message: string): void;
}

/**
 * Marks every step and topic of `changes` self-reported done or not done, in one write. Refuses
 * all of them, writing nothing, when one is not a step or topic of the curriculum (as its kind says).
 */
export async function setDone(target: ProgressTarget, changes: readonly DoneChange[], log: InfoLog): Promise<void> {
  const unknown = changes.find(({ kind, id }) => (kind === 'step' ? !findStep(target.curriculum, id) : !findTopic(target.curriculum, id)));
  if (unknown) {
    throw new UnknownProgressItemError(unknown.id);
  }
  if (changes.length === 0) {
    return;
  }
  await target.progress.apply(changes.map(({ id, done }) => ({ id, done, origin: 'self-reported' })));
  for (const { kind, id, done } of changes) {
    log.info(`Marked ${kind} "${id}" ${done ? 'complete' : 'incomplete'}.`);
  }
}

/** The change a ticked or cleared tree checkbox asks for; only steps and topics have one. */
export function checkboxChange(node: RoadmapNode, checked: boolean): DoneChange | undefined {
  if (node.kind === 'step') {
    return { kind: 'step', id: node.step.id, done: checked };
  }
  if (node.kind === 'topic') {
    return { kind: 'topic', id: node.topic.id, done: checked };
  }
  return undefined;
}
