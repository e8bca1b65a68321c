// Checks of the shipped content itself: every study step's topics, readings, papers, hours and
// diagrams, each project's architecture diagram, and the links between project milestones and topics.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileCurriculum, formatProblem } from '../../../src/core/curriculum/compile';
import type { SourceCurriculum as Curriculum } from '../../../src/core/curriculum/model';
import { diagramProblems } from '../../../src/core/lesson/diagram';

const ROOT = join(__dirname, '..', '..', '..');
const WEEKS_PER_MONTH = 52 / 12;

function shipped(): Curriculum {
  const topicsDir = join(ROOT, 'curriculum', 'topics');
  const result = compileCurriculum({
    roadmap: { path: 'curriculum/roadmap.yaml', text: readFileSync(join(ROOT, 'curriculum', 'roadmap.yaml'), 'utf8') },
    topicFiles: readdirSync(topicsDir).map((name) => ({ path: `curriculum/topics/${name}`, text: readFileSync(join(topicsDir, name), 'utf8') })),
    fileExists: (path) => existsSync(join(ROOT, path)),
  });
  assert.ok(result.ok, result.ok ? '' : result.problems.map(formatProblem).join('\n'));
  return result.curriculum;
}

describe('shipped curriculum content', () => {
  const curriculum = shipped();
  const studySteps = curriculum.steps.filter((step) => !step.projects);
  const topics = curriculum.steps.flatMap((step) => step.topics);
  const projects = curriculum.steps.flatMap((step) => step.projects ?? []);

  it('gives steps 1–5 five to twelve topics each', () => {
    assert.equal(studySteps.length, 5);
    for (const step of studySteps) {
      assert.ok(step.topics.length >= 5 && step.topics.length <= 12, `${step.id}: ${step.topics.length} topics`);
    }
  });

  it("keeps each step's topic hours within its duration at the stated hours per week", () => {
    const perWeek = curriculum.studyHoursPerWeek ?? 0;
    assert.equal(perWeek, 8);
    for (const step of studySteps) {
      const hours = step.topics.reduce((sum, topic) => sum + topic.hours, 0);
      const most = step.duration.max * WEEKS_PER_MONTH * perWeek;
      assert.ok(hours <= most && hours >= (step.duration.min * WEEKS_PER_MONTH * perWeek) / 2, `${step.id}: ${hours} h`);
    }
  });

  it('gives every topic 2–4 summary sentences, 3–8 self-checks and a reading guide', () => {
    for (const topic of topics) {
      const sentences = topic.summary.split(/(?<=[.!?])\s+/).filter(Boolean).length;
      assert.ok(sentences >= 2 && sentences <= 4, `${topic.id}: ${sentences} summary sentences`);
      assert.ok(topic.selfCheck.length >= 3 && topic.selfCheck.length <= 8, topic.id);
      assert.ok(topic.reading.guide.length > 40, `${topic.id}: reading guide too short`);
      assert.ok(topic.concepts.length >= 3, `${topic.id}: fewer than 3 concepts`);
    }
  });

  it('gives every topic a lesson to study from: 400 to 900 words, not a summary', () => {
    for (const topic of topics) {
      const words = topic.lesson.split(/\s+/).length;
      assert.ok(words >= 400 && words <= 900, `${topic.id}: ${words} words`);
    }
  });

  it('asks few definition questions: every question has a kind, at most 15% of a step define, every topic has one to trace or predict', () => {
    for (const step of studySteps) {
      const checks = step.topics.flatMap((topic) => topic.selfCheck);
      assert.ok(
        checks.every((check) => check.kind !== undefined),
        `${step.id}: a self-check without a kind`,
      );
      const define = checks.filter((check) => check.kind === 'define').length;
      assert.ok(define <= 0.15 * checks.length, `${step.id}: ${define} of ${checks.length} questions only ask for a definition`);
      for (const topic of step.topics) {
        assert.ok(
          topic.selfCheck.some((check) => check.kind === 'trace' || check.kind === 'predict'),
          `${topic.id}: no question asks to trace an execution or predict an outcome`,
        );
      }
    }
  });

  it('cites every paper with authors, title, year, venue and a DOI or a stable address', () => {
    const papers = topics.flatMap((topic) => topic.papers ?? []);
    assert.ok(papers.length >= 15);
    for (const paper of papers) {
      assert.ok(paper.authors.length > 0 && paper.title && paper.venue, JSON.stringify(paper));
      assert.ok(paper.year >= 1950 && paper.year <= 2026, JSON.stringify(paper));
      assert.ok(paper.doi !== undefined || paper.url !== undefined, `no DOI or address: ${paper.title}`);
    }
  });

  it('names the textbook edition for every study step', () => {
    for (const step of studySteps) {
      assert.match(step.textbook?.edition ?? '', /edition, \d{4}$/, step.id);
    }
  });

  it('has at least one diagram per study step, each well-formed, themed and used', () => {
    for (const step of studySteps) {
      assert.ok(
        step.topics.some((topic) => topic.diagram),
        `${step.id} has no diagram`,
      );
    }
    const files = readdirSync(join(ROOT, 'media', 'diagrams'));
    const used = new Set([...topics, ...projects].flatMap((item) => (item.diagram ? [item.diagram.file] : [])));
    for (const file of files) {
      assert.ok(used.has(`media/diagrams/${file}`), `media/diagrams/${file} is not used by any topic or project`);
      assert.deepEqual(diagramProblems(readFileSync(join(ROOT, 'media', 'diagrams', file), 'utf8')), [], file);
    }
  });

  it('gives every project an architecture diagram of its own, well-formed and themed, with alt text', () => {
    assert.equal(projects.length, 3);
    for (const project of projects) {
      assert.equal(project.diagram?.file, `media/diagrams/project-${project.id}.svg`, project.id);
      assert.ok(project.diagram.alt.length > 80, `${project.id}: alt text too short to describe the architecture`);
      const path = join(ROOT, project.diagram.file);
      assert.ok(existsSync(path), `${project.diagram.file} is missing`);
      assert.deepEqual(diagramProblems(readFileSync(path, 'utf8')), [], project.diagram.file);
    }
  });

  it('estimates every milestone, and each project fits the step on its own (a learner may pick one)', () => {
    const step = curriculum.steps.find((candidate) => candidate.projects);
    assert.ok(step);
    const most = step.duration.max * WEEKS_PER_MONTH * (curriculum.studyHoursPerWeek ?? 0);
    for (const project of projects) {
      const hours = (project.milestones ?? []).map((milestone) => milestone.hours);
      assert.ok(
        hours.every((each) => each !== undefined),
        `${project.id}: a milestone without hours`,
      );
      const total = hours.reduce((sum: number, each) => sum + (each ?? 0), 0);
      assert.ok(total <= most && total >= most / 2, `${project.id}: ${total} h`);
      assert.match(project.description ?? '', /pick any one/, `${project.id}: the description does not say one project is enough`);
    }
  });

  it('links every project milestone to topics to read first, and every project to its concepts', () => {
    const ids = new Set(topics.map((topic) => topic.id));
    for (const project of projects) {
      assert.ok((project.milestones ?? []).length >= 6, `${project.id} has fewer than 6 milestones`);
      assert.ok((project.concepts ?? []).every((id) => ids.has(id)));
      for (const milestone of project.milestones ?? []) {
        assert.ok(
          milestone.readFirst.every((id) => ids.has(id)),
          `${project.id}/${milestone.id}`,
        );
      }
    }
  });
});

describe('diagramProblems', () => {
  const ok = '<svg viewBox="0 0 10 10" role="img"><title>t</title><circle fill="currentColor" r="1"/></svg>';

  it('accepts a themed, inert SVG', () => {
    assert.deepEqual(diagramProblems(ok), []);
  });

  const bad: [string, RegExp][] = [
    ['<svg viewBox="0 0 1 1"><title>t</title><script>alert(1)</script></svg>', /<script> is not allowed/],
    ['<svg viewBox="0 0 1 1"><title>t</title><rect onclick="x()"/></svg>', /event handler/],
    ['<svg viewBox="0 0 1 1"><title>t</title><rect style="fill:red"/></svg>', /style attribute/],
    ['<svg viewBox="0 0 1 1"><title>t</title><rect fill="#ff0000"/></svg>', /fill="#ff0000"/],
    ['<svg viewBox="0 0 1 1"><title>t</title><a href="https://x"><rect/></a></svg>', /<a> is not allowed/],
    ['<svg viewBox="0 0 1 1"><title>t</title><g><rect/></svg>', /closes <g>/],
    ['<svg viewBox="0 0 1 1"><rect/></svg>', /no <title>/],
    ['<svg><title>t</title></svg>', /no viewBox/],
    ['<svg viewBox="0 0 1 1"><title>t</title><text>a < b</text></svg>', /stray "<"/],
    ['<svg viewBox="0 0 1 1"><title>t</title><foreignObject/></svg>', /<foreignObject> is not allowed/],
  ];
  for (const [svg, reason] of bad) {
    it(`refuses ${svg.slice(41, 80)}`, () => {
      assert.ok(
        diagramProblems(svg).some((problem) => reason.test(problem)),
        JSON.stringify(diagramProblems(svg)),
      );
    });
  }
});
