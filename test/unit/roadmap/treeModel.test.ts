import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileRoadmap } from '../../../src/core/curriculum/compile';
import { formatAuthors, formatDuration, progressItemIds, type Curriculum } from '../../../src/core/curriculum/model';
import type { ProgressRecord } from '../../../src/core/progress/codec';
import type { CheckRecord, ScaffoldRecord } from '../../../src/core/progress/projectRecords';
import { milestoneState, overallTally, stepState, type ProgressView } from '../../../src/core/progress/summary';
import {
  childNodes,
  parentNode,
  presentMilestone,
  presentProject,
  presentStep,
  presentTopic,
  stepNodes,
  stepsShowing,
  type MilestoneNode,
} from '../../../src/core/roadmap/treeModel';
import { escapeMarkdown } from '../../../src/core/util/markdown';
import { curriculumWith, topic } from '../fixtures/curriculum';

function shippedRoadmap(): Curriculum {
  const result = compileRoadmap(readFileSync(join(__dirname, '..', '..', '..', 'curriculum', 'roadmap.yaml'), 'utf8'), 'x');
  assert.ok(result.ok);
  return result.curriculum;
}

/** Two study steps with topics and a project step with one project of two milestones. */
const FIXTURE: Curriculum = curriculumWith([
  {
    id: 'kv',
    title: 'KV store',
    idea: 'Build one.',
    milestones: [
      { id: 'wal', title: 'WAL', goal: 'Log writes.', readFirst: ['a'] },
      { id: 'ring', title: 'Ring', goal: 'Hash keys.', readFirst: ['b'] },
    ],
  },
]);

const T1 = '2026-01-01T00:00:00.000Z';
const T2 = '2026-02-01T00:00:00.000Z';

function view(
  done: Record<string, Partial<ProgressRecord>> = {},
  checks: Record<string, CheckRecord> = {},
  scaffolds: Record<string, ScaffoldRecord> = {},
): ProgressView {
  const record = (id: string): ProgressRecord | undefined => (done[id] ? { state: 'done', at: T1, origin: 'self-reported', ...done[id] } : undefined);
  return {
    isDone: (id) => record(id)?.state === 'done',
    get: record,
    lastCheck: (key) => checks[key],
    scaffold: (id) => scaffolds[id],
  };
}

function milestoneNode(index: number): MilestoneNode {
  const project = childNodes(stepNodes(FIXTURE)[2]).find((node) => node.kind === 'project');
  assert.ok(project);
  const node = childNodes(project)[index];
  assert.ok(node.kind === 'milestone');
  return node;
}

describe('roadmap tree model', () => {
  it('lists the six shipped steps with stable ids derived from curriculum ids', () => {
    assert.deepEqual(
      stepNodes(shippedRoadmap()).map((node) => node.id),
      ['step/fundamentals', 'step/networks', 'step/fault-tolerance', 'step/scalability', 'step/cloud-native', 'step/projects'],
    );
  });

  it('gives a shipped step its objective, goal and textbook with edition', () => {
    const children = childNodes(stepNodes(shippedRoadmap())[0]);
    const textbook = children.find((child) => child.id === 'step/fundamentals/textbook');
    assert.ok(textbook?.kind === 'detail');
    assert.equal(textbook.text, 'Distributed Systems: Principles and Paradigms — Andrew S. Tanenbaum and Maarten Van Steen (2nd edition, 2007)');
  });

  it('puts topics first, then details, then projects, each with a stable id', () => {
    assert.deepEqual(
      childNodes(stepNodes(FIXTURE)[0]).map((node) => node.id),
      ['topic/a', 'topic/b', 'step/one/objective'],
    );
    assert.deepEqual(
      childNodes(stepNodes(FIXTURE)[2]).map((node) => node.id),
      ['step/projects/objective', 'project/kv'],
    );
  });

  it("lists a project's milestones, numbered, keyed <project>/<milestone>", () => {
    assert.deepEqual([milestoneNode(0).id, milestoneNode(0).key, milestoneNode(1).number], ['milestone/kv/wal', 'kv/wal', 2]);
  });

  it('finds the parent of topics, projects and milestones, for reveal', () => {
    assert.equal(parentNode(FIXTURE, milestoneNode(1))?.id, 'project/kv');
    const topicNode = childNodes(stepNodes(FIXTURE)[1])[0];
    assert.equal(parentNode(FIXTURE, topicNode)?.id, 'step/two');
    assert.equal(parentNode(FIXTURE, stepNodes(FIXTURE)[0]), undefined);
  });

  it('describes a step by duration and topics done', () => {
    assert.equal(presentStep(FIXTURE.steps[0], 1, view()).description, '1–2 months · 0/2 done');
    assert.equal(presentStep(FIXTURE.steps[0], 1, view({ a: {} })).description, '1–2 months · 1/2 done');
    assert.equal(presentStep(FIXTURE.steps[1], 2, view({ c: {} })).description, '1 month · done');
    // A step marked done with topics left (a mark from before the rule) shows its topics, and the tooltip says why.
    const marked = presentStep(FIXTURE.steps[1], 2, view({ two: {} }));
    assert.deepEqual([marked.description, marked.state], ['1 month · 0/1 done', 'in-progress']);
    assert.match(marked.tooltipMarkdown, /You marked this step complete with 1 topic left/);
    assert.equal(presentStep(FIXTURE.steps[2], 3, view({ 'kv/wal': {} })).description, '2–3 months · 1/2 milestones');
  });

  it("completes a step with topics when all its topics are done, and only then, whatever the step's own mark", () => {
    assert.equal(stepState(FIXTURE.steps[0], view({ a: {} })), 'in-progress');
    assert.equal(stepState(FIXTURE.steps[0], view({ a: {}, b: {} })), 'done');
    assert.equal(stepState(FIXTURE.steps[0], view({ one: {} })), 'in-progress');
    assert.equal(stepState(FIXTURE.steps[0], view()), 'not-started');
  });

  it('completes the projects step when marked done or when one project has every milestone done', () => {
    assert.equal(stepState(FIXTURE.steps[2], view({ 'kv/wal': {} })), 'in-progress');
    assert.equal(stepState(FIXTURE.steps[2], view({ 'kv/wal': {}, 'kv/ring': {} })), 'done');
    assert.equal(stepState(FIXTURE.steps[2], view({ projects: {} })), 'done');
  });

  it('counts a scaffolded project as a started step', () => {
    assert.equal(stepState(FIXTURE.steps[2], view({}, {}, { kv: { folder: 'file:///p', at: T1 } })), 'in-progress');
  });

  it('tallies complete steps over all steps', () => {
    assert.deepEqual(overallTally(FIXTURE, view({ a: {}, b: {}, c: {} })), { done: 2, total: 3 });
  });

  it('tells verified, self-reported, failing and not started milestones apart', () => {
    assert.equal(milestoneState('kv/wal', view()), 'not-started');
    assert.equal(milestoneState('kv/wal', view({ 'kv/wal': {} })), 'self-reported');
    assert.equal(milestoneState('kv/wal', view({ 'kv/wal': { origin: 'verified' } })), 'verified');
    const failedLater = { 'kv/wal': { at: T2, outcome: 'failed', summary: '1 of 3 tests failed' } as CheckRecord };
    assert.equal(milestoneState('kv/wal', view({ 'kv/wal': { origin: 'verified' } }, failedLater)), 'failing');
    const failedEarlier = { 'kv/wal': { at: '2025-01-01T00:00:00.000Z', outcome: 'failed', summary: 'x' } as CheckRecord };
    assert.equal(milestoneState('kv/wal', view({ 'kv/wal': { origin: 'verified' } }, failedEarlier)), 'verified');
  });

  it('shows a check whose tests did not all run as unverified, never as verified, with the reasons', () => {
    const unverified = {
      'kv/ring': { at: T2, outcome: 'unverified', summary: '1 of 5 tests did not run', notRun: ['live run: no Docker engine answered'] } as CheckRecord,
    };
    assert.equal(milestoneState('kv/ring', view({}, unverified)), 'unverified');
    // Newer than a completion, it shows instead of it (the completion is kept, as for a failure).
    assert.equal(milestoneState('kv/ring', view({ 'kv/ring': { origin: 'verified' } }, unverified)), 'unverified');
    const shown = presentMilestone(milestoneNode(1), view({}, unverified));
    assert.equal(shown.description, 'unverified');
    assert.match(shown.tooltipMarkdown, /1 of 5 tests did not run/);
    assert.match(shown.tooltipMarkdown, /- live run: no Docker engine answered/);
  });

  it("shows a verified milestone's evidence and a failing one's failed tests in the tooltip", () => {
    const verified = presentMilestone(milestoneNode(0), view({ 'kv/wal': { origin: 'verified', evidence: { tests: 12, commit: 'abc' } } }));
    assert.equal(verified.description, 'verified 2026-01-01');
    assert.match(verified.tooltipMarkdown, /Verified 2026-01-01 00:00 — tests: 12 · commit: abc/);
    const failing = presentMilestone(
      milestoneNode(1),
      view({}, { 'kv/ring': { at: T2, outcome: 'failed', summary: '1 of 4 tests failed', failures: ['ring › balance: off by 30%'] } }),
    );
    assert.equal(failing.label, '2. Ring');
    assert.equal(failing.description, 'failing');
    assert.match(failing.tooltipMarkdown, /- ring › balance: off by 30%/);
  });

  it('describes a project by scaffold state and verified milestones', () => {
    const project = FIXTURE.steps[2].projects?.[0];
    assert.ok(project);
    assert.equal(presentProject(project, view()).description, 'not scaffolded · 0/2 verified');
    const scaffolded = view({ 'kv/ring': { origin: 'verified' } }, {}, { kv: { folder: 'file:///home/me/kv', at: T1 } });
    assert.equal(presentProject(project, scaffolded).description, 'scaffolded · 1/2 verified');
  });

  it('shows each shipped milestone with its hours, and each project with their sum', () => {
    const roadmap = shippedRoadmap();
    const projectNode = stepNodes(roadmap)
      .flatMap((node) => childNodes(node))
      .find((node) => node.kind === 'project' && node.project.id === 'fault-tolerant-db');
    assert.ok(projectNode?.kind === 'project');
    const database = projectNode.project;
    const milestone = childNodes(projectNode)[0];
    assert.ok(milestone.kind === 'milestone' && database.milestones);
    const first = presentMilestone(milestone, view());
    assert.match(first.description ?? '', new RegExp(`^${database.milestones[0].hours} h · `));
    assert.match(first.tooltipMarkdown, new RegExp(`· about ${database.milestones[0].hours} h · `));
    const total = database.milestones.reduce((sum, milestone) => sum + (milestone.hours ?? 0), 0);
    assert.ok(total > 0);
    assert.match(presentProject(database, view()).description ?? '', new RegExp(`^about ${total} h · not scaffolded`));
  });

  it('describes a topic by hours and state', () => {
    assert.equal(presentTopic(topic('a', 6), view()).description, '6 h');
    assert.equal(presentTopic(topic('a', 6), view({ a: {} })).description, '6 h · done');
  });

  it('puts objective, textbook with authors and edition, and goal in a step tooltip', () => {
    const tooltip = presentStep(shippedRoadmap().steps[2], 3, view()).tooltipMarkdown;
    assert.match(tooltip, /\*\*Step 3: Fault Tolerance and Consistency\*\* · not started/);
    assert.match(tooltip, /\*Designing Data\\-Intensive Applications\* by Martin Kleppmann, 1st edition, 2017/);
    assert.match(tooltip, /\*\*Goal:\*\* Understand concepts like consensus/);
  });

  it('knows steps, topics, projects and milestones as progress items', () => {
    assert.deepEqual([...progressItemIds(FIXTURE)].sort(), ['a', 'b', 'c', 'kv', 'kv/ring', 'kv/wal', 'one', 'projects', 'two']);
  });

  it('formats durations and author lists', () => {
    assert.equal(formatDuration({ min: 1, max: 1, unit: 'month' }), '1 month');
    assert.equal(formatDuration({ min: 2, max: 3, unit: 'week' }), '2–3 weeks');
    assert.equal(formatAuthors(['A']), 'A');
    assert.equal(formatAuthors(['A', 'B', 'C']), 'A, B and C');
  });

  it('escapes Markdown in curriculum text', () => {
    assert.equal(escapeMarkdown('[x](javascript:1) *b*'), '\\[x\\]\\(javascript:1\\) \\*b\\*');
  });
});

describe('stepsShowing (what a change refreshes in the tree)', () => {
  it('names the step of each changed topic, step, project and milestone, and no other', () => {
    assert.deepEqual(stepsShowing(FIXTURE, ['b'], false), ['step/one']);
    assert.deepEqual(stepsShowing(FIXTURE, ['two'], false), ['step/two']);
    assert.deepEqual(stepsShowing(FIXTURE, ['kv/ring'], false), ['step/projects']);
    assert.deepEqual(stepsShowing(FIXTURE, ['kv'], false), ['step/projects']);
    assert.deepEqual(stepsShowing(FIXTURE, ['a', 'c', 'kv/wal'], false), ['step/one', 'step/two', 'step/projects']);
    assert.deepEqual(stepsShowing(FIXTURE, ['not-in-the-roadmap'], false), []);
  });

  it('names every step with projects when the project records changed', () => {
    assert.deepEqual(stepsShowing(FIXTURE, [], true), ['step/projects']);
  });

  it('names only ids the tree has', () => {
    const ids = new Set(stepNodes(FIXTURE).map((node) => node.id));
    assert.ok(stepsShowing(FIXTURE, ['a', 'c', 'kv/wal'], true).every((id) => ids.has(id)));
  });
});
