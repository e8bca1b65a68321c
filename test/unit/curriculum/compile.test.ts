import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileCurriculum as compileAll, compileRoadmap as compileCurriculum, formatProblem } from '../../../src/core/curriculum/compile';

const ROOT = join(__dirname, '..', '..', '..');

/** A small valid curriculum; each bad case below changes one thing. */
const VALID = `schemaVersion: 1
title: Test Roadmap
steps:
  - id: first
    title: First Step
    objective: Learn one thing.
    textbook:
      title: A Book
      authors: [An Author]
    duration: { min: 1, max: 2, unit: month }
    goal: Know it.
  - id: second
    title: Second Step
    objective: Build things.
    duration: { min: 2, max: 3, unit: week }
    projects:
      - id: build-it
        title: Build it
        idea: Build a small thing.
`;

function problemsOf(source: string): string[] {
  const result = compileCurriculum(source, 'roadmap.yaml');
  assert.equal(result.ok, false, 'expected the curriculum to be rejected');
  return result.ok ? [] : result.problems.map(formatProblem);
}

function onlyProblem(source: string): string {
  const problems = problemsOf(source);
  assert.equal(problems.length, 1, `expected one problem, got:\n${problems.join('\n')}`);
  return problems[0];
}

describe('compileCurriculum', () => {
  it('accepts the shipped roadmap with its six steps in the seed order', () => {
    const source = readFileSync(join(ROOT, 'curriculum', 'roadmap.yaml'), 'utf8');
    const result = compileCurriculum(source, 'curriculum/roadmap.yaml');
    assert.ok(result.ok, result.ok ? '' : result.problems.map(formatProblem).join('\n'));
    assert.deepEqual(
      result.curriculum.steps.map((step) => step.id),
      ['fundamentals', 'networks', 'fault-tolerance', 'scalability', 'cloud-native', 'projects'],
    );
    assert.deepEqual(
      result.curriculum.steps[5].projects?.map((project) => project.id),
      ['file-sharing', 'microservices', 'fault-tolerant-db'],
    );
  });

  it('keeps the seed text verbatim', () => {
    const seed = readFileSync(join(ROOT, 'test', 'fixtures', 'roadmap-seed.txt'), 'utf8');
    const source = readFileSync(join(ROOT, 'curriculum', 'roadmap.yaml'), 'utf8');
    const result = compileCurriculum(source, 'roadmap.yaml');
    assert.ok(result.ok);
    for (const step of result.curriculum.steps) {
      assert.ok(seed.includes(`: ${step.title}`), `title of ${step.id} not in the seed`);
      assert.ok(seed.includes(`Objective: ${step.objective}`), `objective of ${step.id} not verbatim`);
      if (step.goal) {
        assert.ok(seed.includes(`Goal: ${step.goal}`), `goal of ${step.id} not verbatim`);
      }
      for (const project of step.projects ?? []) {
        assert.ok(seed.includes(project.idea), `idea of ${project.id} not verbatim`);
      }
    }
  });

  it('accepts the small valid fixture', () => {
    const result = compileCurriculum(VALID, 'roadmap.yaml');
    assert.ok(result.ok);
    assert.equal(result.curriculum.steps.length, 2);
  });

  it('rejects an empty file, pointing at its start', () => {
    assert.match(onlyProblem(''), /^roadmap\.yaml:1:1: the file is empty/);
  });

  it('rejects a file of comments only as empty', () => {
    assert.match(onlyProblem('# nothing here\n'), /^roadmap\.yaml:1:1: the file is empty/);
  });

  it('reports a YAML syntax error at its line and column', () => {
    const broken = VALID.replace('    goal: Know it.', '    goal: [Know it.');
    const problems = problemsOf(broken);
    assert.ok(problems.length >= 1);
    assert.match(problems[0], /^roadmap\.yaml:\d+:\d+: YAML syntax error: .+ Fix the YAML at this position\.$/);
  });

  it('reports a duplicate YAML key as a syntax error on its line', () => {
    const problems = problemsOf(VALID.replace('    goal: Know it.', '    goal: Know it.\n    goal: Again.'));
    assert.match(problems[0], /^roadmap\.yaml:12:5: YAML syntax error: Map keys must be unique/);
  });

  it('names a missing required field and the mapping that lacks it', () => {
    const message = onlyProblem(VALID.replace('    objective: Learn one thing.\n', ''));
    assert.equal(message, 'roadmap.yaml:4:5: missing required field "objective" in steps[0]. Add it (expected a string).');
  });

  it('names a duplicate id and where it was first used', () => {
    const message = onlyProblem(VALID.replace('id: build-it', 'id: first'));
    assert.equal(
      message,
      'roadmap.yaml:17:13: duplicate id "first" at steps[1].projects[0].id (first used at line 4). ' +
        "Ids key the learner's progress and must be unique: choose another id.",
    );
  });

  it('reports a wrong type with what was expected and found', () => {
    const message = onlyProblem(VALID.replace('min: 1, max: 2', 'min: one, max: 2'));
    assert.equal(message, 'roadmap.yaml:10:22: wrong type at steps[0].duration.min: expected a number, found "one".');
  });

  it('reports a fractional duration as not a whole number', () => {
    const message = onlyProblem(VALID.replace('min: 1, max: 2', 'min: 1.5, max: 2'));
    assert.equal(message, 'roadmap.yaml:10:22: wrong type at steps[0].duration.min: expected a whole number, found number 1.5.');
  });

  it('reports an unknown key at the key itself', () => {
    const message = onlyProblem(VALID.replace('    goal: Know it.', '    goal: Know it.\n    gaol: Typo.'));
    assert.equal(message, 'roadmap.yaml:12:5: unknown field "gaol" at steps[0].gaol. Remove it or check its spelling.');
  });

  it('reports a duration whose min exceeds its max', () => {
    const message = onlyProblem(VALID.replace('min: 1, max: 2', 'min: 3, max: 2'));
    assert.equal(message, 'roadmap.yaml:10:15: bad duration at steps[0].duration: min (3) is greater than max (2). Swap them or make them equal.');
  });

  it('reports an unknown duration unit with the allowed ones', () => {
    const message = onlyProblem(VALID.replace('unit: month', 'unit: year'));
    assert.equal(message, 'roadmap.yaml:10:39: invalid value at steps[0].duration.unit: expected one of "week", "month", found "year".');
  });

  it('reports a zero duration as not greater than 0', () => {
    const message = onlyProblem(VALID.replace('min: 1, max: 2', 'min: 0, max: 2'));
    assert.equal(message, 'roadmap.yaml:10:22: bad number at steps[0].duration.min: it must be a whole number greater than 0.');
  });

  it('reports an id that is not lowercase-with-hyphens', () => {
    const message = onlyProblem(VALID.replace('id: second', 'id: Second Step'));
    assert.match(message, /^roadmap\.yaml:12:9: invalid id "Second Step" at steps\[1\]\.id: use lowercase letters/);
  });

  it('reports an unsupported schema version', () => {
    const message = onlyProblem(VALID.replace('schemaVersion: 1', 'schemaVersion: 2'));
    assert.equal(message, 'roadmap.yaml:1:16: invalid value at schemaVersion: expected one of 1, found number 2.');
  });

  it('reports an empty steps list', () => {
    const message = onlyProblem('schemaVersion: 1\ntitle: T\nsteps: []\n');
    assert.equal(message, 'roadmap.yaml:3:8: no steps at steps: the roadmap needs at least one step.');
  });

  it('reports a textbook without authors', () => {
    const message = onlyProblem(VALID.replace('authors: [An Author]', 'authors: []'));
    assert.equal(message, 'roadmap.yaml:9:16: no authors at steps[0].textbook.authors: name at least one author of the book.');
  });

  it('reports blank text', () => {
    const message = onlyProblem(VALID.replace('title: First Step', 'title: "  "'));
    assert.equal(message, 'roadmap.yaml:5:12: empty text at steps[0].title: write the text or remove the field if it is optional.');
  });

  it('reports a top level that is a list, not a mapping', () => {
    const message = onlyProblem('- one\n- two\n');
    assert.equal(message, 'roadmap.yaml:1:1: wrong type at the top level: expected an object, found a list.');
  });

  it('reports every problem of a file, not just the first', () => {
    const broken = VALID.replace('    objective: Learn one thing.\n', '').replace('unit: week', 'unit: day');
    assert.equal(problemsOf(broken).length, 2);
  });
});

describe('compileCurriculum with topic files', () => {
  const roadmap = `schemaVersion: 1
title: T
steps:
  - id: a
    title: A
    objective: o
    duration: { min: 1, max: 1, unit: month }
  - id: a
    title: B
    objective: o
    duration: { min: 1, max: 1, unit: month }
`;

  it('reports a duplicate step id once, not once per check', () => {
    const result = compileAll({ roadmap: { path: 'r.yaml', text: roadmap }, topicFiles: [], fileExists: () => true });
    assert.equal(result.ok, false);
    assert.deepEqual(result.ok ? [] : result.problems.map(formatProblem), [
      'r.yaml:8:9: duplicate id "a" at steps[1].id (first used at line 4). ' + "Ids key the learner's progress and must be unique: choose another id.",
    ]);
  });
});
