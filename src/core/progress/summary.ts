// Derived progress for the views: the state of a step, a topic, a project and a milestone, and
// the tallies shown in descriptions, the status bar and walkthroughs.
import type { Curriculum, Project, Step } from '../curriculum/model';
import type { ProgressRecord } from './codec';
import { milestoneKey } from '../curriculum/model';
import type { CheckRecord, ScaffoldRecord } from './projectRecords';

export type StepState = 'not-started' | 'in-progress' | 'done';
export type MilestoneState = 'not-started' | 'self-reported' | 'verified' | 'failing' | 'unverified';

/** What the summaries need to know: the progress store and the machine-local project records. */
export interface ProgressView {
  isDone(id: string): boolean;
  get(id: string): ProgressRecord | undefined;
  lastCheck?(key: string): CheckRecord | undefined;
  scaffold?(projectId: string): ScaffoldRecord | undefined;
}

/** The progress ids inside a step: its topics, and its projects' milestones. */
export function stepChildIds(step: Step): string[] {
  return [...step.topics.map((topic) => topic.id), ...(step.projects ?? []).flatMap((project) => projectMilestoneKeys(project))];
}

export function projectMilestoneKeys(project: Project): string[] {
  return (project.milestones ?? []).map((milestone) => milestoneKey(project.id, milestone.id));
}

/**
 * The one rule for a step, the same in the tree, the status bar and the walkthroughs (README, "How a
 * step is done"): a step with topics is done when every topic is; the projects step, which has none,
 * when marked done or when one of its projects has every milestone done. In progress once anything
 * inside is done, a project is scaffolded, or the step was marked done with topics left (an older mark,
 * kept and shown, never counted as done).
 */
export function stepState(step: Step, progress: ProgressView): StepState {
  if (step.topics.length > 0 ? step.topics.every((topic) => progress.isDone(topic.id)) : projectStepDone(step, progress)) {
    return 'done';
  }
  const started =
    progress.isDone(step.id) ||
    stepChildIds(step).some((id) => progress.isDone(id)) ||
    (step.projects ?? []).some((project) => progress.scaffold?.(project.id));
  return started ? 'in-progress' : 'not-started';
}

function projectStepDone(step: Step, progress: ProgressView): boolean {
  return (
    progress.isDone(step.id) ||
    (step.projects ?? []).some((project) => {
      const keys = projectMilestoneKeys(project);
      return keys.length > 0 && keys.every((key) => progress.isDone(key));
    })
  );
}

/** The topics of a step not done while the step itself is marked done (a mark from before the rule above). */
export function topicsLeftUnderStepMark(step: Step, progress: ProgressView): number {
  return progress.isDone(step.id) ? step.topics.filter((topic) => !progress.isDone(topic.id)).length : 0;
}

export function milestoneState(key: string, progress: ProgressView): MilestoneState {
  const record = progress.get(key);
  const check = progress.lastCheck?.(key);
  // A failed or unverified check newer than the recorded completion shows as such; the completion is kept.
  if (check && check.outcome !== 'passed' && (!record || check.at >= record.at)) {
    return check.outcome === 'unverified' ? 'unverified' : 'failing';
  }
  if (record?.state !== 'done') {
    return 'not-started';
  }
  return record.origin === 'verified' ? 'verified' : 'self-reported';
}

export interface Tally {
  readonly done: number;
  readonly total: number;
}

export function overallTally(curriculum: Curriculum, progress: ProgressView): Tally {
  const done = curriculum.steps.filter((step) => stepState(step, progress) === 'done').length;
  return { done, total: curriculum.steps.length };
}

export function childTally(step: Step, progress: ProgressView): Tally | undefined {
  const ids = stepChildIds(step);
  return ids.length === 0 ? undefined : { done: ids.filter((id) => progress.isDone(id)).length, total: ids.length };
}

export function projectTally(project: Project, progress: ProgressView): Tally {
  const keys = projectMilestoneKeys(project);
  return { done: keys.filter((key) => milestoneState(key, progress) === 'verified').length, total: keys.length };
}
