// The roadmap tree as plain data: which nodes exist, their stable ids, labels, descriptions and
// tooltips. The tree view adapter only maps these onto vscode.TreeItem.
import { formatAuthors, formatDuration, milestoneKey, type Curriculum, type Milestone, type Project, type Step, type Topic } from '../curriculum/model';
import * as l10n from '@vscode/l10n';
import { escapeMarkdown } from '../util/markdown';
import { BOX_INTERVAL_DAYS, type DueReview } from '../review/schedule';
import {
  childTally,
  milestoneState,
  projectTally,
  stepState,
  topicsLeftUnderStepMark,
  type MilestoneState,
  type ProgressView,
  type StepState,
} from '../progress/summary';

export type DetailField = 'objective' | 'goal' | 'textbook';

export type StepNode = { readonly kind: 'step'; readonly id: string; readonly step: Step; readonly number: number };
export type TopicNode = { readonly kind: 'topic'; readonly id: string; readonly topic: Topic; readonly stepId: string };
export type DetailNode = { readonly kind: 'detail'; readonly id: string; readonly field: DetailField; readonly text: string };
export type ProjectNode = { readonly kind: 'project'; readonly id: string; readonly project: Project };
export type MilestoneNode = {
  readonly kind: 'milestone';
  readonly id: string;
  readonly project: Project;
  readonly milestone: Milestone;
  readonly number: number;
  /** The milestone's progress id. */
  readonly key: string;
};

/** The "Due for review" row above the steps, shown while a topic is due (core/review/schedule.ts). */
export type ReviewsNode = { readonly kind: 'reviews'; readonly id: string; readonly due: readonly DueReview[] };
export type ReviewTopicNode = { readonly kind: 'reviewTopic'; readonly id: string; readonly review: DueReview; readonly stepNumber: number };

export type RoadmapNode = StepNode | TopicNode | DetailNode | ProjectNode | MilestoneNode | ReviewsNode | ReviewTopicNode;

export const REVIEWS_NODE_ID = 'reviews';

/** The tree's top level: the topics due for review, when any is, then the steps. */
export function rootNodes(curriculum: Curriculum, due: readonly DueReview[]): RoadmapNode[] {
  const steps = stepNodes(curriculum);
  return due.length > 0 ? [{ kind: 'reviews', id: REVIEWS_NODE_ID, due }, ...steps] : steps;
}

function stepNodeId(stepId: string): string {
  return `step/${stepId}`;
}

export function stepNodes(curriculum: Curriculum): StepNode[] {
  return curriculum.steps.map((step, index) => ({ kind: 'step', id: stepNodeId(step.id), step, number: index + 1 }));
}

export function childNodes(node: RoadmapNode): RoadmapNode[] {
  if (node.kind === 'reviews') {
    return node.due.map((review) => ({ kind: 'reviewTopic', id: `${REVIEWS_NODE_ID}/${review.topic.id}`, review, stepNumber: review.stepNumber }));
  }
  if (node.kind === 'project') {
    return (node.project.milestones ?? []).map((milestone, index) => ({
      kind: 'milestone',
      id: `milestone/${node.project.id}/${milestone.id}`,
      project: node.project,
      milestone,
      number: index + 1,
      key: milestoneKey(node.project.id, milestone.id),
    }));
  }
  if (node.kind !== 'step') {
    return [];
  }
  const { step } = node;
  const topics: RoadmapNode[] = step.topics.map((topic) => ({ kind: 'topic', id: `topic/${topic.id}`, topic, stepId: step.id }));
  const details: RoadmapNode[] = [];
  const detail = (field: DetailField, text: string | undefined): void => {
    if (text) {
      details.push({ kind: 'detail', id: `${node.id}/${field}`, field, text });
    }
  };
  detail('objective', step.objective);
  detail('goal', step.goal);
  detail(
    'textbook',
    step.textbook && `${step.textbook.title} — ${formatAuthors(step.textbook.authors)}${step.textbook.edition ? ` (${step.textbook.edition})` : ''}`,
  );
  const projects: RoadmapNode[] = (step.projects ?? []).map((project) => ({ kind: 'project', id: `project/${project.id}`, project }));
  return [...topics, ...details, ...projects];
}

/** The parent of a node, for reveal; undefined for steps and the review rows (never revealed). */
export function parentNode(curriculum: Curriculum, node: RoadmapNode): RoadmapNode | undefined {
  if (node.kind === 'step' || node.kind === 'reviews' || node.kind === 'reviewTopic') {
    return undefined;
  }
  for (const step of stepNodes(curriculum)) {
    for (const child of childNodes(step)) {
      if (child.id === node.id) {
        return step;
      }
      if (child.kind === 'project' && childNodes(child).some((grandchild) => grandchild.id === node.id)) {
        return child;
      }
    }
  }
  return undefined;
}

/**
 * The ids of the step nodes whose rows, or rows below them, show what changed: the step of each
 * changed progress id (a step, its topics, its projects and their milestones), and, when the project
 * records changed, every step with projects. Refreshing only these leaves the other steps alone, so
 * a change never redraws a step the learner is expanding elsewhere in the tree.
 */
export function stepsShowing(curriculum: Curriculum, progressIds: readonly string[], projectRecords: boolean): string[] {
  const changed = new Set(progressIds);
  return curriculum.steps
    .filter((step) => {
      const projects = step.projects ?? [];
      if (projectRecords && projects.length > 0) {
        return true;
      }
      return (
        changed.has(step.id) ||
        step.topics.some((topic) => changed.has(topic.id)) ||
        projects.some(
          (project) => changed.has(project.id) || (project.milestones ?? []).some((milestone) => changed.has(milestoneKey(project.id, milestone.id))),
        )
      );
    })
    .map((step) => stepNodeId(step.id));
}

/** The label of a step's detail row. */
export function detailLabel(field: DetailField): string {
  switch (field) {
    case 'objective':
      return l10n.t('Objective');
    case 'goal':
      return l10n.t('Goal');
    case 'textbook':
      return l10n.t('Textbook');
  }
}

export function stateLabel(state: StepState): string {
  switch (state) {
    case 'not-started':
      return l10n.t('not started');
    case 'in-progress':
      return l10n.t('in progress');
    case 'done':
      return l10n.t('done');
  }
}

export function milestoneStateLabel(state: MilestoneState): string {
  switch (state) {
    case 'not-started':
      return l10n.t('not checked');
    case 'self-reported':
      return l10n.t('marked done');
    case 'verified':
      return l10n.t('verified');
    case 'failing':
      return l10n.t('failing');
    case 'unverified':
      return l10n.t('unverified');
  }
}

export interface Presentation<S> {
  readonly label: string;
  readonly description: string;
  readonly tooltipMarkdown: string;
  readonly state: S;
}

/** "1–2 months · 2/9 done", "2–3 months · 3/19 milestones", "1 month · done". */
export function presentStep(step: Step, number: number, progress: ProgressView): Presentation<StepState> {
  const state = stepState(step, progress);
  const tally = childTally(step, progress);
  const parts = [formatDuration(step.duration)];
  if (state === 'done') {
    parts.push(stateLabel('done'));
  } else if (tally) {
    parts.push(step.topics.length > 0 ? l10n.t('{0}/{1} done', tally.done, tally.total) : l10n.t('{0}/{1} milestones', tally.done, tally.total));
  }
  const lines = [
    l10n.t('**Step {0}: {1}** · {2}', number, escapeMarkdown(step.title), stateLabel(state)),
    '',
    l10n.t('**Objective:** {0}', escapeMarkdown(step.objective)),
  ];
  if (step.textbook) {
    const book = l10n.t('*{0}* by {1}', escapeMarkdown(step.textbook.title), escapeMarkdown(formatAuthors(step.textbook.authors)));
    lines.push('', l10n.t('**Textbook:** {0}', step.textbook.edition ? `${book}, ${escapeMarkdown(step.textbook.edition)}` : book));
  }
  lines.push('', l10n.t('**Duration:** {0}', formatDuration(step.duration)));
  const left = topicsLeftUnderStepMark(step, progress);
  if (left > 0 && state !== 'done') {
    lines.push(
      '',
      left === 1
        ? l10n.t('You marked this step complete with 1 topic left; a step is done when all its topics are. *Mark Step Complete* marks it done.')
        : l10n.t('You marked this step complete with {0} topics left; a step is done when all its topics are. *Mark Step Complete* marks them done.', left),
    );
  }
  if (step.goal) {
    lines.push('', l10n.t('**Goal:** {0}', escapeMarkdown(step.goal)));
  }
  return { label: step.title, description: parts.join(' · '), tooltipMarkdown: lines.join('\n'), state };
}

export function presentTopic(topic: Topic, progress: ProgressView): Presentation<'done' | 'not-started'> {
  const done = progress.isDone(topic.id);
  return {
    label: topic.title,
    description: done ? l10n.t('{0} h · done', topic.hours) : l10n.t('{0} h', topic.hours),
    tooltipMarkdown: `**${escapeMarkdown(topic.title)}** · ${topic.hours} h\n\n${escapeMarkdown(topic.summary)}`,
    state: done ? 'done' : 'not-started',
  };
}

export function presentProject(project: Project, progress: ProgressView): Presentation<'scaffolded' | 'not-scaffolded'> {
  const scaffold = progress.scaffold?.(project.id);
  const tally = projectTally(project, progress);
  const hours = (project.milestones ?? []).reduce((sum, milestone) => sum + (milestone.hours ?? 0), 0);
  const parts = [...(hours > 0 ? [l10n.t('about {0} h', hours)] : []), scaffold ? l10n.t('scaffolded') : l10n.t('not scaffolded')];
  if (tally.total > 0) {
    parts.push(l10n.t('{0}/{1} verified', tally.done, tally.total));
  }
  const lines = [`**${escapeMarkdown(project.title)}**`, '', escapeMarkdown(project.description ?? project.idea)];
  if (scaffold) {
    lines.push('', l10n.t('Scaffolded {0} into {1}', scaffold.at.slice(0, 10), `\`${scaffold.folder.replace(/`/g, '')}\``));
  }
  return {
    label: project.title,
    description: parts.join(' · '),
    tooltipMarkdown: lines.join('\n'),
    state: scaffold ? 'scaffolded' : 'not-scaffolded',
  };
}

export function presentMilestone(node: MilestoneNode, progress: ProgressView): Presentation<MilestoneState> {
  const state = milestoneState(node.key, progress);
  const record = progress.get(node.key);
  const check = progress.lastCheck?.(node.key);
  const lines = [
    node.milestone.hours !== undefined
      ? l10n.t(
          '**Milestone {0}: {1}** · about {2} h · {3}',
          node.number,
          escapeMarkdown(node.milestone.title),
          node.milestone.hours,
          milestoneStateLabel(state),
        )
      : l10n.t('**Milestone {0}: {1}** · {2}', node.number, escapeMarkdown(node.milestone.title), milestoneStateLabel(state)),
    '',
    escapeMarkdown(node.milestone.goal),
  ];
  if (record?.state === 'done' && record.origin === 'verified') {
    const evidence = Object.entries(record.evidence ?? {})
      .map(([key, value]) => `${escapeMarkdown(key)}: ${escapeMarkdown(String(value))}`)
      .join(' · ');
    const at = record.at.slice(0, 16).replace('T', ' ');
    lines.push('', evidence ? l10n.t('Verified {0} — {1}', at, evidence) : l10n.t('Verified {0}', at));
  }
  if (check && check.outcome !== 'passed') {
    lines.push('', l10n.t('Last check {0}: {1}', check.at.slice(0, 16).replace('T', ' '), escapeMarkdown(check.summary)));
    for (const failure of (check.failures ?? []).slice(0, 5)) {
      lines.push(`- ${escapeMarkdown(failure)}`);
    }
    if (check.outcome === 'unverified') {
      lines.push('', l10n.t('Nothing failed, but these tests did not run, so the milestone is not verified:'));
      for (const reason of (check.notRun ?? []).slice(0, 5)) {
        lines.push(`- ${escapeMarkdown(reason)}`);
      }
    }
  }
  const when = state === 'verified' && record ? ` ${record.at.slice(0, 10)}` : '';
  return {
    label: `${node.number}. ${node.milestone.title}`,
    description: `${node.milestone.hours !== undefined ? `${l10n.t('{0} h', node.milestone.hours)} · ` : ''}${milestoneStateLabel(state)}${when}`,
    tooltipMarkdown: lines.join('\n'),
    state,
  };
}

/** "Due for review · 3 topics". */
export function presentReviews(due: readonly DueReview[]): Presentation<'due'> {
  const count = due.length === 1 ? l10n.t('1 topic') : l10n.t('{0} topics', due.length);
  return {
    label: l10n.t('Due for review'),
    description: count,
    tooltipMarkdown: `${l10n.t('**Due for review:** {0}', count)}\n\n${l10n.t(
      'Open a lesson, answer its self-check questions and say whether you knew each answer: a topic you knew comes back later, one you did not comes back tomorrow.',
    )}`,
    state: 'due',
  };
}

/** "Topic title", "step 2 · box 3 · due since 4 Mar". */
export function presentReviewTopic(node: ReviewTopicNode): Presentation<'due'> {
  const { topic, state } = node.review;
  const since = state.due.slice(0, 10);
  return {
    label: topic.title,
    description: l10n.t('step {0} · box {1} · due since {2}', node.stepNumber, state.box, since),
    tooltipMarkdown: `${l10n.t('**{0}** · due for review since {1}', escapeMarkdown(topic.title), since)}\n\n${
      state.answer === 'knew'
        ? l10n.t('Last answer: knew it; box {0} of {1}.', state.box, BOX_INTERVAL_DAYS.length)
        : l10n.t("Last answer: didn't know it; box {0} of {1}.", state.box, BOX_INTERVAL_DAYS.length)
    }`,
    state: 'due',
  };
}
