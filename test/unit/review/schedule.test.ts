import * as assert from 'node:assert/strict';
import type { ProgressRecord } from '../../../src/core/progress/codec';
import {
  BOX_INTERVAL_DAYS,
  describeDue,
  dueReviews,
  nextDueTime,
  nextReview,
  reviewChange,
  reviewId,
  reviewIds,
  reviewState,
  type ReviewState,
} from '../../../src/core/review/schedule';
import { curriculumWith } from '../fixtures/curriculum';

const DAY = 24 * 60 * 60 * 1000;
const START = new Date('2026-03-02T09:00:00.000Z');
const at = (days: number) => new Date(START.getTime() + days * DAY);
const CURRICULUM = curriculumWith([]);

/** The record the store keeps for a state, as `reviewChange` asks for it. */
function record(state: ReviewState, stateOfRecord: 'done' | 'not-done' = 'done'): ProgressRecord {
  const change = reviewChange('a', state);
  return { state: stateOfRecord, at: START.toISOString(), origin: 'self-reported', evidence: change.evidence };
}

describe('spaced review schedule', () => {
  it('sends a first "knew it" to box 1, due a day later', () => {
    assert.deepEqual(nextReview(undefined, 'knew', START), { box: 1, due: at(1).toISOString(), answer: 'knew', lapses: 0 });
  });

  it('grows the interval on each "knew it" given when due: 1, 3, 7, 16, 35 days, then stays at 35', () => {
    let state = nextReview(undefined, 'knew', START);
    const waits: number[] = [(Date.parse(state.due) - START.getTime()) / DAY];
    for (let i = 0; i < 6; i++) {
      const answeredAt = new Date(state.due);
      state = nextReview(state, 'knew', answeredAt);
      waits.push((Date.parse(state.due) - answeredAt.getTime()) / DAY);
    }
    assert.deepEqual(waits, [1, 3, 7, 16, 35, 35, 35]);
    assert.deepEqual(BOX_INTERVAL_DAYS, [1, 3, 7, 16, 35]);
    assert.equal(state.box, 5);
  });

  it('resets to box 1 on "didn\'t", from any box, and counts the lapse', () => {
    const high: ReviewState = { box: 4, due: at(10).toISOString(), answer: 'knew', lapses: 1 };
    assert.deepEqual(nextReview(high, 'forgot', at(3)), { box: 1, due: at(4).toISOString(), answer: 'forgot', lapses: 2 });
    assert.deepEqual(nextReview(undefined, 'forgot', START), { box: 1, due: at(1).toISOString(), answer: 'forgot', lapses: 1 });
  });

  it('keeps the schedule on a "knew it" given before the topic is due (answering twice in a sitting does not skip boxes)', () => {
    const first = nextReview(undefined, 'knew', START);
    const again = nextReview(first, 'knew', at(0.5));
    assert.equal(again.box, 1);
    assert.equal(again.due, first.due);
  });

  it('reads back what it writes, and nothing else', () => {
    const state: ReviewState = { box: 3, due: at(7).toISOString(), answer: 'knew', lapses: 2 };
    assert.deepEqual(reviewState(record(state)), state);
    assert.equal(reviewState(undefined), undefined);
    assert.equal(reviewState(record(state, 'not-done')), undefined, 'a reset review is no review');
    const hostile: ProgressRecord[] = [
      { state: 'done', at: START.toISOString(), origin: 'self-reported' },
      { state: 'done', at: START.toISOString(), origin: 'self-reported', evidence: { box: 9, due: at(1).toISOString(), answer: 'knew', lapses: 0 } },
      { state: 'done', at: START.toISOString(), origin: 'self-reported', evidence: { box: 1, due: 'soon', answer: 'knew', lapses: 0 } },
      { state: 'done', at: START.toISOString(), origin: 'self-reported', evidence: { box: 1, due: at(1).toISOString(), answer: 'maybe', lapses: 0 } },
      { state: 'done', at: START.toISOString(), origin: 'self-reported', evidence: { box: 1.5, due: at(1).toISOString(), answer: 'knew', lapses: -1 } },
    ];
    for (const each of hostile) {
      assert.equal(reviewState(each), undefined, JSON.stringify(each));
    }
  });

  it('counts the topics due at a given time, the longest overdue first, and says when the next falls due', () => {
    const records = new Map<string, ProgressRecord>([
      [reviewId('a'), record({ box: 2, due: at(3).toISOString(), answer: 'knew', lapses: 0 })],
      [reviewId('b'), record({ box: 1, due: at(1).toISOString(), answer: 'forgot', lapses: 1 })],
      [reviewId('c'), record({ box: 1, due: at(5).toISOString(), answer: 'forgot', lapses: 1 })],
    ]);
    const get = (id: string) => records.get(id);
    const due = (days: number) => dueReviews(CURRICULUM, get, at(days)).map((entry) => entry.topic.id);
    assert.deepEqual(due(0), []);
    assert.deepEqual(due(1), ['b']);
    assert.deepEqual(due(4), ['b', 'a']);
    assert.deepEqual(due(30), ['b', 'a', 'c']);
    assert.equal(nextDueTime(CURRICULUM, get, at(0)), at(1).getTime());
    assert.equal(nextDueTime(CURRICULUM, get, at(3)), at(5).getTime());
    assert.equal(nextDueTime(CURRICULUM, get, at(6)), undefined);
    assert.deepEqual(reviewIds(CURRICULUM), ['review:a', 'review:b', 'review:c']);
  });

  it('says when a topic comes back', () => {
    const state = nextReview(undefined, 'forgot', START);
    assert.equal(describeDue(state, START), 'due again tomorrow');
    assert.equal(describeDue({ ...state, due: at(3).toISOString() }, START), 'due again in 3 days');
    assert.equal(describeDue(state, at(2)), 'due now');
  });
});
