import * as assert from 'node:assert/strict';
import type { Curriculum } from '../../../src/core/curriculum/model';
import type { ProgressRecord } from '../../../src/core/progress/codec';
import type { CheckRecord, ScaffoldRecord } from '../../../src/core/progress/projectRecords';
import type { ProgressView } from '../../../src/core/progress/summary';
import { currentStepId, itemTally, nextItem, type NextItem } from '../../../src/core/roadmap/next';
import { curriculumWith } from '../fixtures/curriculum';

/** Two study steps (a, b | c) and a project step offering two projects, of two and three milestones. */
const FIXTURE: Curriculum = curriculumWith([
  {
    id: 'kv',
    title: 'KV store',
    idea: 'i',
    milestones: [
      { id: 'wal', title: 'WAL', goal: 'g', readFirst: [] },
      { id: 'ring', title: 'Ring', goal: 'g', readFirst: [] },
    ],
  },
  {
    id: 'chat',
    title: 'Chat',
    idea: 'i',
    milestones: [
      { id: 'm1', title: 'M1', goal: 'g', readFirst: [] },
      { id: 'm2', title: 'M2', goal: 'g', readFirst: [] },
      { id: 'm3', title: 'M3', goal: 'g', readFirst: [] },
    ],
  },
]);

const JAN = '2026-01-05T10:00:00.000Z';
const FEB = '2026-02-05T10:00:00.000Z';
const MAR = '2026-03-05T10:00:00.000Z';

interface State {
  readonly done?: Record<string, string>;
  readonly checks?: Record<string, CheckRecord>;
  readonly scaffolds?: Record<string, ScaffoldRecord>;
}

/** A progress view: `done` maps each done id to the time it was marked. */
function view({ done = {}, checks = {}, scaffolds = {} }: State): ProgressView {
  const record = (id: string): ProgressRecord | undefined => (done[id] ? { state: 'done', at: done[id], origin: 'self-reported' } : undefined);
  return { isDone: (id) => record(id) !== undefined, get: record, lastCheck: (key) => checks[key], scaffold: (id) => scaffolds[id] };
}

/** What an item points at, in one string: "topic a", "milestone kv/ring (failing)", "scaffold", "finished". */
function pointsAt(item: NextItem): string {
  switch (item.kind) {
    case 'topic':
      return `topic ${item.topic.id} (step ${item.stepNumber})`;
    case 'milestone':
      return `milestone ${item.key}${item.failing ? ' (failing)' : ''}`;
    default:
      return item.kind;
  }
}

const next = (state: State) => pointsAt(nextItem(FIXTURE, view(state)));

describe('what next (Continue)', () => {
  it("starts with the first topic, and goes on from a step's last topic to the next step", () => {
    assert.equal(next({}), 'topic a (step 1)');
    assert.equal(next({ done: { a: JAN } }), 'topic b (step 1)');
    assert.equal(next({ done: { a: JAN, b: JAN } }), 'topic c (step 2)');
  });

  it('takes the first topic not done, even one skipped earlier', () => {
    assert.equal(next({ done: { b: JAN, c: FEB } }), 'topic a (step 1)');
  });

  it('offers to scaffold a project once every topic is done and none is scaffolded', () => {
    assert.equal(next({ done: { a: JAN, b: JAN, c: JAN } }), 'scaffold');
  });

  it('goes on with the project touched more recently than any topic, at its first milestone not done', () => {
    const scaffolds = { kv: { folder: 'file:///kv', at: FEB } };
    assert.equal(next({ done: { a: JAN }, scaffolds }), 'milestone kv/wal');
    assert.equal(next({ done: { a: JAN, 'kv/wal': FEB }, scaffolds }), 'milestone kv/ring');
    // A topic studied after the last project work: back to the topics.
    assert.equal(next({ done: { a: MAR, 'kv/wal': FEB }, scaffolds }), 'topic b (step 1)');
  });

  it('puts a failing milestone first, whatever was touched last', () => {
    const scaffolds = { kv: { folder: 'file:///kv', at: JAN } };
    const checks: Record<string, CheckRecord> = { 'kv/ring': { at: FEB, outcome: 'failed', summary: '1 of 4 tests failed' } };
    assert.equal(next({ done: { a: MAR, 'kv/wal': FEB }, scaffolds, checks }), 'milestone kv/ring (failing)');
  });

  it('chooses the project worked on last among several, and finishes when its milestones are done and no topic is left', () => {
    const scaffolds = { kv: { folder: 'file:///kv', at: JAN }, chat: { folder: 'file:///chat', at: FEB } };
    const topics = { a: JAN, b: JAN, c: JAN };
    assert.equal(next({ done: topics, scaffolds }), 'milestone chat/m1');
    assert.equal(next({ done: { ...topics, 'kv/wal': MAR }, scaffolds }), 'milestone kv/ring');
    assert.equal(next({ done: { ...topics, 'kv/wal': MAR, 'kv/ring': MAR }, scaffolds }), 'milestone chat/m1');
    assert.equal(next({ done: { ...topics, 'kv/wal': MAR, 'kv/ring': MAR, 'chat/m1': MAR, 'chat/m2': MAR, 'chat/m3': MAR }, scaffolds }), 'finished');
  });

  it("counts topics and the milestones of one project, the learner's, in the tally", () => {
    // Three topics and, with no project chosen, the first project's two milestones.
    assert.deepEqual(itemTally(FIXTURE, view({})), { done: 0, total: 5, percent: 0 });
    assert.deepEqual(itemTally(FIXTURE, view({ done: { a: JAN } })), { done: 1, total: 5, percent: 20 });
    // The project scaffolded is the one counted; then the one with most milestones done.
    assert.deepEqual(itemTally(FIXTURE, view({ scaffolds: { chat: { folder: 'f', at: JAN } } })), { done: 0, total: 6, percent: 0 });
    assert.deepEqual(itemTally(FIXTURE, view({ done: { 'kv/wal': JAN }, scaffolds: { chat: { folder: 'f', at: JAN } } })), {
      done: 1,
      total: 5,
      percent: 20,
    });
    assert.deepEqual(itemTally(FIXTURE, view({ done: { a: JAN, b: JAN } })), { done: 2, total: 5, percent: 40 });
    assert.equal(itemTally(FIXTURE, view({ done: { a: JAN, b: JAN, c: JAN, 'kv/wal': JAN } })).percent, 80);
    assert.equal(itemTally(FIXTURE, view({ done: { a: JAN, b: JAN, c: JAN, 'kv/wal': JAN, 'kv/ring': JAN } })).percent, 100);
  });

  it('names the current step: that of the first topic not done, then the projects step', () => {
    assert.equal(currentStepId(FIXTURE, view({})), 'one');
    assert.equal(currentStepId(FIXTURE, view({ done: { a: JAN, b: JAN } })), 'two');
    assert.equal(currentStepId(FIXTURE, view({ done: { a: JAN, b: JAN, c: JAN } })), 'projects');
  });
});
