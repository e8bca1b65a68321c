import * as assert from 'node:assert/strict';
import type { Curriculum, Topic } from '../../../src/core/curriculum/model';
import type { ProgressRecord } from '../../../src/core/progress/codec';
import type { ProgressView } from '../../../src/core/progress/summary';
import { planRows, readPlanSettings, studyPlan } from '../../../src/core/roadmap/plan';

const topic = (id: string, hours: number): Topic => ({
  id,
  title: id,
  hours,
  summary: 's',
  concepts: ['c'],
});

/** Step one: 1–2 months, 20 h; step two: 3 weeks, 8 h; projects: 2–3 months, one project of 30 h. */
const FIXTURE: Curriculum = {
  schemaVersion: 1,
  title: 'T',
  studyHoursPerWeek: 8,
  steps: [
    { id: 'one', title: 'One', objective: 'o', duration: { min: 1, max: 2, unit: 'month' }, topics: [topic('a', 12), topic('b', 8)] },
    { id: 'two', title: 'Two', objective: 'o', duration: { min: 3, max: 3, unit: 'week' }, topics: [topic('c', 8)] },
    {
      id: 'projects',
      title: 'Projects',
      objective: 'o',
      duration: { min: 2, max: 3, unit: 'month' },
      topics: [],
      projects: [
        {
          id: 'kv',
          title: 'KV',
          idea: 'i',
          milestones: [
            { id: 'm1', title: 'M1', goal: 'g', readFirst: [], hours: 10 },
            { id: 'm2', title: 'M2', goal: 'g', readFirst: [], hours: 20 },
          ],
        },
      ],
    },
  ],
};

function view(done: Record<string, string> = {}): ProgressView {
  const record = (id: string): ProgressRecord | undefined => (done[id] ? { state: 'done', at: done[id], origin: 'self-reported' } : undefined);
  return { isDone: (id) => record(id) !== undefined, get: record };
}

const TODAY = new Date('2027-01-31T15:00:00Z');

describe('pacing planner', () => {
  it("projects each step's finish at the weekly hours, from today, against the seed's window from the start date", () => {
    const plan = studyPlan(FIXTURE, view(), { hoursPerWeek: 10, startDate: '2027-01-31' }, TODAY);
    assert.equal(plan.today, '2027-01-31');
    assert.deepEqual(
      plan.steps.map((step) => [step.number, step.hoursTotal, step.hoursLeft, step.finish, step.dueEarliest, step.dueLatest, step.pace]),
      [
        // 20 h at 10 h a week: 14 days. One month from 31 January is the last day of February.
        [1, 20, 20, '2027-02-14', '2027-02-28', '2027-03-31', 'ahead'],
        // 28 h: 19.6 days, rounded up to 20. Window: one month and three weeks, two months and three weeks.
        [2, 8, 8, '2027-02-20', '2027-03-21', '2027-04-21', 'ahead'],
        // 58 h: 40.6 days, 41. Window: three months and three weeks, five months and three weeks.
        [3, 30, 30, '2027-03-13', '2027-05-21', '2027-07-21', 'ahead'],
      ],
    );
    assert.deepEqual(
      [plan.hoursTotal, plan.hoursLeft, plan.finish, plan.dueEarliest, plan.dueLatest, plan.pace],
      [58, 58, '2027-03-13', '2027-05-21', '2027-07-21', 'ahead'],
    );
  });

  it('says on track within the window and behind after it, at a slower pace or a later day', () => {
    const slow = studyPlan(FIXTURE, view(), { hoursPerWeek: 2, startDate: '2027-01-31' }, TODAY);
    // 20 h at 2 h a week: 70 days, 2027-04-11, after the window's end (03-31); 28 h: 98 days; 58 h: 203 days.
    assert.deepEqual(
      slow.steps.map((step) => [step.finish, step.pace]),
      [
        ['2027-04-11', 'behind'],
        ['2027-05-09', 'behind'],
        ['2027-08-22', 'behind'],
      ],
    );
    // 5 h a week: 20 h take 28 days, ending 2027-02-28, the very day the window opens: on track, not ahead.
    assert.deepEqual(
      [studyPlan(FIXTURE, view(), { hoursPerWeek: 5, startDate: '2027-01-31' }, TODAY).steps[0]].map((step) => [step.finish, step.dueEarliest, step.pace]),
      [['2027-02-28', '2027-02-28', 'on-track']],
    );
    // Started 2026-12-20: step 1's window is 2027-01-20 to 02-20 (finish 02-14), step 2's 02-10 to 03-13 (finish 02-20), step 3's from 04-10 (finish 03-13).
    const later = studyPlan(FIXTURE, view(), { hoursPerWeek: 10, startDate: '2026-12-20' }, TODAY);
    assert.deepEqual(
      later.steps.map((step) => step.pace),
      ['on-track', 'on-track', 'ahead'],
    );
  });

  it('counts only the hours left, marks done steps done, and starts from the first recorded progress without a start date', () => {
    const progress = view({ a: '2027-01-03T09:00:00.000Z', b: '2027-01-20T09:00:00.000Z', 'kv/m1': '2027-01-25T09:00:00.000Z' });
    const plan = studyPlan(FIXTURE, progress, { hoursPerWeek: 10 }, TODAY);
    assert.equal(plan.start, '2027-01-03');
    assert.deepEqual(
      plan.steps.map((step) => [step.hoursLeft, step.finish, step.pace]),
      [
        [0, undefined, 'done'],
        [8, '2027-02-06', 'ahead'],
        [20, '2027-02-20', 'ahead'],
      ],
    );
    assert.equal(plan.hoursLeft, 28);
    assert.equal(studyPlan(FIXTURE, view(), { hoursPerWeek: 10 }, TODAY).start, '2027-01-31');
  });

  it('is done when every step is', () => {
    const all = view({ a: 'x', b: 'x', c: 'x', 'kv/m1': 'x', 'kv/m2': 'x' });
    const plan = studyPlan(FIXTURE, all, { hoursPerWeek: 10, startDate: '2027-01-01' }, TODAY);
    assert.deepEqual([plan.hoursLeft, plan.finish, plan.pace], [0, undefined, 'done']);
  });

  it("reads the settings, the curriculum's weekly hours standing in for a missing or bad value, with a message", () => {
    assert.deepEqual(readPlanSettings(undefined, '', 8), { settings: { hoursPerWeek: 8 }, problems: [] });
    assert.deepEqual(readPlanSettings(12.5, '2027-02-01', 8), { settings: { hoursPerWeek: 12.5, startDate: '2027-02-01' }, problems: [] });
    const bad = readPlanSettings(-3, '2027-02-30', 8);
    assert.deepEqual(bad.settings, { hoursPerWeek: 8 });
    assert.match(bad.problems[0], /above 0 and at most 168, not -3: planning with 8/);
    assert.match(bad.problems[1], /YYYY-MM-DD, not "2027-02-30"/);
    assert.equal(readPlanSettings('ten', undefined, 8).problems.length, 1);
  });

  it('shows the plan as short rows: the pace, all steps, each step, and a setting it ignored', () => {
    const progress = view({ a: '2027-01-03T09:00:00.000Z', b: '2027-01-20T09:00:00.000Z' });
    const rows = planRows(studyPlan(FIXTURE, progress, { hoursPerWeek: 10 }, TODAY), ['bad hours']);
    assert.deepEqual(
      rows.map((row) => [row.label, row.description]),
      [
        ['Setting ignored', 'bad hours'],
        ['10 h a week', 'from 2027-01-03'],
        ['All steps', '38 h left · 2027-02-27 · ahead'],
        ['Step 1', 'done'],
        ['Step 2', '8 h left · 2027-02-06 · ahead'],
        ['Step 3', '30 h left · 2027-02-27 · ahead'],
      ],
    );
    assert.match(
      rows[4].tooltip,
      /^Step 2: Two\. 8 of 8 hours left; at 10 h a week you finish it 2027-02-06\. The roadmap's durations end it between 2027-02-24 and 2027-03-24\.$/,
    );
  });
});
