// Marking steps and topics done or not done, several at once: the one path the commands, the
// tree's checkboxes and the lesson panel share. However many items, it is one store write (one
// journal append, one summary write, one change event), so a view refreshes once.
import { findStep, findTopic, type Curriculum } from '../curriculum/model';
import type { ProgressView } from '../progress/summary';
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

/** A step change with what it implies for the step's topics. */
export interface ExpandedChanges {
  /** The changes as asked, plus every topic of a marked step whose state differs from the step's new one. */
  readonly changes: readonly DoneChange[];
  /** How many topics the steps' changes add: when some are, the learner is asked first. */
  readonly addedTopics: number;
}

/**
 * A step is done when all its topics are (core/progress/summary.ts), so marking one done marks its
 * topics left done, and marking it not done marks its topics not done; the step's own record is
 * written too, for the history. Topics changed explicitly in the same event keep their own change.
 */
export function expandStepChanges(curriculum: Curriculum, progress: Pick<ProgressView, 'isDone'>, changes: readonly DoneChange[]): ExpandedChanges {
  const explicit = new Set(changes.filter((change) => change.kind === 'topic').map((change) => change.id));
  const added: DoneChange[] = [];
  for (const change of changes) {
    const step = change.kind === 'step' ? findStep(curriculum, change.id) : undefined;
    for (const topic of step?.topics ?? []) {
      if (!explicit.has(topic.id) && progress.isDone(topic.id) !== change.done) {
        explicit.add(topic.id);
        added.push({ kind: 'topic', id: topic.id, done: change.done });
      }
    }
  }
  return { changes: [...changes, ...added], addedTopics: added.length };
}
