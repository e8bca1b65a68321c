// Derived progress for the views: the state of a step, a topic, a project and a milestone, and
// the tallies shown in descriptions, the status bar and walkthroughs.
import type { Curriculum, Project, Step } from '../curriculum/model';
import type { ProgressRecord } from './codec';
import { milestoneKey } from '../curriculum/model';
import type { CheckRecord, ScaffoldRecord } from './projectRecords';

export type StepState = 'not-started' | 'in-progress' | 'done';
export type MilestoneState = 'not-started' | 'self-reported' | 'verified' | 'failing';

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

/** Done when marked done, or when every topic is; in progress once anything inside is. */
export function stepState(step: Step, progress: ProgressView): StepState {
  const children = stepChildIds(step);
  if (progress.isDone(step.id) || (step.topics.length > 0 && step.topics.every((topic) => progress.isDone(topic.id)))) {
    return 'done';
  }
  const started = children.some((id) => progress.isDone(id)) || (step.projects ?? []).some((project) => progress.scaffold?.(project.id));
  return started ? 'in-progress' : 'not-started';
}

export function milestoneState(key: string, progress: ProgressView): MilestoneState {
  const record = progress.get(key);
  const check = progress.lastCheck?.(key);
  // A failed check newer than the recorded completion shows as failing; the completion is kept.
  if (check && check.outcome !== 'passed' && (!record || check.at >= record.at)) {
    return 'failing';
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
