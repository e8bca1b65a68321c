// Spaced review of the topics, as a Leitner system (docs/REVIEW.md): after a self-check the learner
// says whether they knew the answer. "Knew it" moves the topic up one box, "didn't" back to the
// first; each box waits longer before the topic is due again. The state of each topic is one
// progress record (`review:<topic id>`), so it has the store's guarantees: journaled, synced,
// merged by stamp, and never changed from elsewhere behind the learner's back.
import * as l10n from '@vscode/l10n';
import type { Curriculum, Step, Topic } from '../curriculum/model';
import type { Change } from '../progress/store';
import type { ProgressRecord } from '../progress/codec';

export type ReviewAnswer = 'knew' | 'forgot';

/** Days a topic waits in each box (box 1 first) before it is due again. */
export const BOX_INTERVAL_DAYS: readonly number[] = [1, 3, 7, 16, 35];

const DAY_MS = 24 * 60 * 60 * 1000;
const PREFIX = 'review:';

export interface ReviewState {
  /** 1 to BOX_INTERVAL_DAYS.length. */
  readonly box: number;
  /** When the topic is due again (ISO 8601). */
  readonly due: string;
  /** The last answer given. */
  readonly answer: ReviewAnswer;
  /** How many times the learner did not know it. */
  readonly lapses: number;
}

export interface DueReview {
  readonly topic: Topic;
  readonly step: Step;
  /** The step's number in the roadmap, from 1. */
  readonly stepNumber: number;
  readonly state: ReviewState;
}

/** The progress id that keeps a topic's review state. */
export function reviewId(topicId: string): string {
  return `${PREFIX}${topicId}`;
}

/** The review ids of every topic, for the store's list of ids it accepts. */
export function reviewIds(curriculum: Curriculum): string[] {
  return curriculum.steps.flatMap((step) => step.topics.map((topic) => reviewId(topic.id)));
}

/**
 * The state after an answer given at `now`. "Forgot" always goes back to box 1. "Knew it" moves up
 * one box when the topic is due (or not yet scheduled); before it is due the schedule stays, so
 * answering the same questions again in one sitting does not rush a topic to the last box.
 */
export function nextReview(previous: ReviewState | undefined, answer: ReviewAnswer, now: Date): ReviewState {
  const lapses = (previous?.lapses ?? 0) + (answer === 'forgot' ? 1 : 0);
  if (answer === 'knew' && previous && Date.parse(previous.due) > now.getTime()) {
    return { ...previous, answer };
  }
  const box = answer === 'forgot' ? 1 : Math.min((previous?.box ?? 0) + 1, BOX_INTERVAL_DAYS.length);
  return { box, due: new Date(now.getTime() + BOX_INTERVAL_DAYS[box - 1] * DAY_MS).toISOString(), answer, lapses };
}

/** The store change that records a state. */
export function reviewChange(topicId: string, state: ReviewState): Change {
  return { id: reviewId(topicId), done: true, evidence: { box: state.box, due: state.due, answer: state.answer, lapses: state.lapses } };
}

/**
 * A topic's review state read from its record; undefined when there is none, it was reset (not
 * done), or it is not a state this version understands (a record is data from elsewhere: checked).
 */
export function reviewState(record: ProgressRecord | undefined): ReviewState | undefined {
  const evidence = record?.state === 'done' ? record.evidence : undefined;
  if (!evidence) {
    return undefined;
  }
  const { box, due, answer, lapses } = evidence;
  const valid =
    typeof box === 'number' &&
    Number.isInteger(box) &&
    box >= 1 &&
    box <= BOX_INTERVAL_DAYS.length &&
    typeof due === 'string' &&
    Number.isFinite(Date.parse(due)) &&
    (answer === 'knew' || answer === 'forgot') &&
    typeof lapses === 'number' &&
    Number.isInteger(lapses) &&
    lapses >= 0;
  return valid ? { box, due, answer, lapses } : undefined;
}

/** Every topic with a review state, in the roadmap's order. */
function scheduled(curriculum: Curriculum, get: (id: string) => ProgressRecord | undefined): DueReview[] {
  return curriculum.steps.flatMap((step, index) =>
    step.topics.flatMap((topic) => {
      const state = reviewState(get(reviewId(topic.id)));
      return state ? [{ topic, step, stepNumber: index + 1, state }] : [];
    }),
  );
}

/** The topics due for review at `now`, the longest overdue first (then in the roadmap's order). */
export function dueReviews(curriculum: Curriculum, get: (id: string) => ProgressRecord | undefined, now: Date): DueReview[] {
  return scheduled(curriculum, get)
    .filter(({ state }) => Date.parse(state.due) <= now.getTime())
    .sort((a, b) => Date.parse(a.state.due) - Date.parse(b.state.due));
}

/** When the next topic not yet due falls due after `now`; undefined when none is scheduled. */
export function nextDueTime(curriculum: Curriculum, get: (id: string) => ProgressRecord | undefined, now: Date): number | undefined {
  const later = scheduled(curriculum, get)
    .map(({ state }) => Date.parse(state.due))
    .filter((at) => at > now.getTime());
  return later.length > 0 ? Math.min(...later) : undefined;
}

/** Whether a progress id is a review id. */
export function isReviewId(id: string): boolean {
  return id.startsWith(PREFIX);
}

/** "due today", "due in 3 days", for the lesson page. */
export function describeDue(state: ReviewState, now: Date): string {
  const days = Math.ceil((Date.parse(state.due) - now.getTime()) / DAY_MS);
  return days <= 0 ? l10n.t('due now') : days === 1 ? l10n.t('due again tomorrow') : l10n.t('due again in {0} days', days);
}
