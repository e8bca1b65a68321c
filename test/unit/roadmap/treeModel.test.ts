import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileRoadmap as compileCurriculum } from '../../../src/core/curriculum/compile';
import { formatAuthors, formatDuration, progressItemIds, type Curriculum } from '../../../src/core/curriculum/model';
import { overallTally, stepState } from '../../../src/core/progress/summary';
import { childNodes, escapeMarkdown, presentStep, stepNodes } from '../../../src/core/roadmap/treeModel';

function roadmap(): Curriculum {
  const result = compileCurriculum(readFileSync(join(__dirname, '..', '..', '..', 'curriculum', 'roadmap.yaml'), 'utf8'), 'x');
  assert.ok(result.ok);
  return result.curriculum;
}

const doneSet = (...ids: string[]) => ({ isDone: (id: string) => ids.includes(id) });

describe('roadmap tree model', () => {
  it('lists the six steps with stable ids derived from curriculum ids', () => {
    const nodes = stepNodes(roadmap());
    assert.deepEqual(
      nodes.map((node) => node.id),
      ['step/fundamentals', 'step/networks', 'step/fault-tolerance', 'step/scalability', 'step/cloud-native', 'step/projects'],
    );
  });

  it('gives a step its objective, goal and textbook as children', () => {
    const [first] = stepNodes(roadmap());
    const children = childNodes(first);
    assert.deepEqual(
      children.map((child) => child.id),
      ['step/fundamentals/objective', 'step/fundamentals/goal', 'step/fundamentals/textbook'],
    );
    const textbook = children[2];
    assert.ok(textbook.kind === 'detail');
    assert.equal(
      textbook.text,
      'Distributed Systems: Principles and Paradigms — Andrew S. Tanenbaum and Maarten Van Steen',
    );
  });

  it('gives step 6 its objective and three projects, and no missing fields', () => {
    const last = stepNodes(roadmap())[5];
    assert.deepEqual(
      childNodes(last).map((child) => child.id),
      ['step/projects/objective', 'project/file-sharing', 'project/microservices', 'project/fault-tolerant-db'],
    );
  });

  it('describes a step by duration and state', () => {
    const curriculum = roadmap();
    assert.equal(presentStep(curriculum.steps[0], 1, doneSet()).description, '1–2 months');
    assert.equal(presentStep(curriculum.steps[1], 2, doneSet('networks')).description, '1 month · done');
    assert.equal(presentStep(curriculum.steps[5], 6, doneSet('microservices')).description, '2–3 months · 1/3 projects');
  });

  it('puts objective, textbook with authors and goal in the tooltip', () => {
    const view = presentStep(roadmap().steps[2], 3, doneSet());
    assert.match(view.tooltipMarkdown, /\*\*Step 3: Fault Tolerance and Consistency\*\* · not started/);
    assert.match(view.tooltipMarkdown, /\*Designing Data\\-Intensive Applications\* by Martin Kleppmann/);
    assert.match(view.tooltipMarkdown, /\*\*Goal:\*\* Understand concepts like consensus/);
  });

  it('derives not started, in progress and done', () => {
    const projects = roadmap().steps[5];
    assert.equal(stepState(projects, doneSet()), 'not-started');
    assert.equal(stepState(projects, doneSet('file-sharing')), 'in-progress');
    assert.equal(stepState(projects, doneSet('projects')), 'done');
  });

  it('tallies done steps over all steps', () => {
    assert.deepEqual(overallTally(roadmap(), doneSet('fundamentals', 'networks', 'file-sharing')), { done: 2, total: 6 });
  });

  it('knows every step and project id as a progress item', () => {
    const ids = progressItemIds(roadmap());
    assert.equal(ids.size, 9);
    assert.ok(ids.has('fault-tolerant-db'));
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
