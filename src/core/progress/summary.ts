// Derived progress figures for the views: a step's state, done counts, the overall tally.
import type { Curriculum, Step } from '../curriculum/model';

export type StepState = 'not-started' | 'in-progress' | 'done';

/** What the summary needs to know of the store. */
export interface DoneLookup {
  isDone(id: string): boolean;
}

/** The items inside a step whose progress counts towards it (its projects, for now). */
export function stepChildIds(step: Step): string[] {
  return (step.projects ?? []).map((project) => project.id);
}

export function stepState(step: Step, progress: DoneLookup): StepState {
  if (progress.isDone(step.id)) {
    return 'done';
  }
  return stepChildIds(step).some((id) => progress.isDone(id)) ? 'in-progress' : 'not-started';
}

export interface Tally {
  readonly done: number;
  readonly total: number;
}

export function overallTally(curriculum: Curriculum, progress: DoneLookup): Tally {
  const done = curriculum.steps.filter((step) => progress.isDone(step.id)).length;
  return { done, total: curriculum.steps.length };
}

export function childTally(step: Step, progress: DoneLookup): Tally | undefined {
  const ids = stepChildIds(step);
  return ids.length === 0 ? undefined : { done: ids.filter((id) => progress.isDone(id)).length, total: ids.length };
}
