// "What next": the one item Continue opens, and the tally of items done the status bar shows.
// Pure: it reads the curriculum and a ProgressView, so the rule is tested without VS Code.
//
// The rule, in order:
// 1. A scaffolded project with a failing milestone: that milestone (a red test is fixed first).
// 2. The project the learner touched last (scaffold, check or milestone), when touched more recently
//    than any topic: its first milestone not done yet.
// 3. The first topic not done, in the roadmap's order (a step's last topic leads to the next step's first).
// 4. No topic left: the first unfinished milestone of a scaffolded project, or, with none scaffolded,
//    scaffolding one of the step-6 projects.
// 5. Otherwise the roadmap is finished.
import { milestoneKey, type Curriculum, type Milestone, type Project, type Step, type Topic } from '../curriculum/model';
import { milestoneState, type ProgressView } from '../progress/summary';

export type NextItem =
  | { readonly kind: 'topic'; readonly step: Step; readonly stepNumber: number; readonly topic: Topic }
  | {
      readonly kind: 'milestone';
      readonly project: Project;
      readonly milestone: Milestone;
      /** 1-based, as the tree and walkthrough number it. */
      readonly number: number;
      readonly key: string;
      readonly failing: boolean;
    }
  | { readonly kind: 'scaffold'; readonly projects: readonly Project[] }
  | { readonly kind: 'finished' };

export function nextItem(curriculum: Curriculum, progress: ProgressView): NextItem {
  const projects = curriculum.steps.flatMap((step) => step.projects ?? []);
  const active = projects
    .filter((project) => progress.scaffold?.(project.id))
    .map((project) => ({ project, lastTouched: projectLastTouched(project, progress), next: nextMilestone(project, progress) }))
    .filter((entry): entry is typeof entry & { next: NonNullable<typeof entry.next> } => entry.next !== undefined)
    .sort((a, b) => (a.lastTouched < b.lastTouched ? 1 : a.lastTouched > b.lastTouched ? -1 : 0));

  const failing = active.find((entry) => entry.next.failing);
  if (failing) {
    return failing.next;
  }
  const topic = nextTopic(curriculum, progress);
  const latest = active[0];
  if (latest && (!topic || latest.lastTouched > topicsLastTouched(curriculum, progress))) {
    return latest.next;
  }
  if (topic) {
    return topic;
  }
  if (projects.length > 0 && !projects.some((project) => progress.scaffold?.(project.id))) {
    return { kind: 'scaffold', projects };
  }
  return { kind: 'finished' };
}

/** The first topic not done, in the roadmap's order. */
function nextTopic(curriculum: Curriculum, progress: ProgressView): NextItem | undefined {
  for (const [index, step] of curriculum.steps.entries()) {
    const topic = step.topics.find((candidate) => !progress.isDone(candidate.id));
    if (topic) {
      return { kind: 'topic', step, stepNumber: index + 1, topic };
    }
  }
  return undefined;
}

/** A project's failing milestone, else its first one not done; undefined when every milestone is done. */
function nextMilestone(project: Project, progress: ProgressView): (NextItem & { kind: 'milestone' }) | undefined {
  const milestones = (project.milestones ?? []).map((milestone, index) => {
    const key = milestoneKey(project.id, milestone.id);
    return { milestone, number: index + 1, key, state: milestoneState(key, progress) };
  });
  // An unverified milestone is not done: it stays next until a check verifies it or the learner marks it.
  const pick =
    milestones.find((entry) => entry.state === 'failing') ?? milestones.find((entry) => entry.state === 'not-started' || entry.state === 'unverified');
  return pick && { kind: 'milestone', project, milestone: pick.milestone, number: pick.number, key: pick.key, failing: pick.state === 'failing' };
}

/** The latest ISO time the learner did something in a project: scaffolded it, checked or marked a milestone. */
function projectLastTouched(project: Project, progress: ProgressView): string {
  const keys = (project.milestones ?? []).map((milestone) => milestoneKey(project.id, milestone.id));
  return latest([progress.scaffold?.(project.id)?.at, ...keys.flatMap((key) => [progress.get(key)?.at, progress.lastCheck?.(key)?.at])]);
}

function topicsLastTouched(curriculum: Curriculum, progress: ProgressView): string {
  return latest(curriculum.steps.flatMap((step) => step.topics.map((topic) => progress.get(topic.id)?.at)));
}

/** The greatest of ISO 8601 UTC times (they sort as strings); '' when there is none. */
function latest(times: readonly (string | undefined)[]): string {
  return times.reduce<string>((max, time) => (time !== undefined && time > max ? time : max), '');
}

/** The step the learner is at: that of the first topic not done, else the first step without topics (the projects), else the last. */
export function currentStepId(curriculum: Curriculum, progress: ProgressView): string | undefined {
  const withTopicLeft = curriculum.steps.find((step) => step.topics.some((topic) => !progress.isDone(topic.id)));
  return (withTopicLeft ?? curriculum.steps.find((step) => step.topics.length === 0) ?? curriculum.steps[curriculum.steps.length - 1])?.id;
}

export interface ItemTally {
  readonly done: number;
  readonly total: number;
  /** Whole percent done, rounded down (100 only when everything is). */
  readonly percent: number;
}

/**
 * Topics and milestones done, out of all topics and the milestones of one project: step 6 asks for
 * any one of its projects, so only the learner's is counted (the one with most milestones done, then
 * the one scaffolded last, then the first).
 */
export function itemTally(curriculum: Curriculum, progress: ProgressView): ItemTally {
  const topics = curriculum.steps.flatMap((step) => step.topics);
  const project = countedProject(curriculum, progress);
  const keys = (project?.milestones ?? []).map((milestone) => milestoneKey(project?.id ?? '', milestone.id));
  const done = topics.filter((topic) => progress.isDone(topic.id)).length + keys.filter((key) => progress.isDone(key)).length;
  const total = topics.length + keys.length;
  return { done, total, percent: total === 0 ? 0 : Math.floor((done * 100) / total) };
}

/** The project whose milestones count for the projects step: the one with most milestones done, then the one scaffolded last, then the first. */
export function countedProject(curriculum: Curriculum, progress: ProgressView): Project | undefined {
  const projects = curriculum.steps.flatMap((step) => step.projects ?? []);
  const score = (project: Project) => ({
    done: (project.milestones ?? []).filter((milestone) => progress.isDone(milestoneKey(project.id, milestone.id))).length,
    scaffolded: progress.scaffold?.(project.id)?.at ?? '',
  });
  return projects.reduce<Project | undefined>((best, project) => {
    if (!best) {
      return project;
    }
    const [a, b] = [score(project), score(best)];
    return a.done > b.done || (a.done === b.done && a.scaffolded > b.scaffolded) ? project : best;
  }, undefined);
}
