import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import {
  lessonText,
  milestoneKey,
  parseMilestoneKey,
  runtimeCurriculum,
  withLessonText,
  type Curriculum,
  type SourceCurriculum,
  type TopicLessonText,
  type TopicSource,
} from '../../../src/core/curriculum/model';
import { distFile } from '../freshBuild';

describe('milestone keys', () => {
  it('splits a key back into the project and milestone ids it was built from', () => {
    const key = milestoneKey('fault-tolerant-db', 'single-node-wal');
    assert.equal(key, 'fault-tolerant-db/single-node-wal');
    assert.deepEqual(parseMilestoneKey(key), { project: 'fault-tolerant-db', milestone: 'single-node-wal' });
  });

  it('reads an id without a slash as no milestone key', () => {
    assert.equal(parseMilestoneKey('fault-tolerant-db'), undefined);
  });
});

describe('the curriculum as shipped', () => {
  const source = (id: string): TopicSource => ({
    id,
    title: `Topic ${id}`,
    hours: 2,
    summary: 's',
    concepts: ['c'],
    lesson: '# L',
    reading: { chapters: ['One'], guide: 'g' },
    papers: [{ authors: ['A'], title: 'P', year: 2000 }],
    selfCheck: [{ question: 'q', answer: 'a' }],
    tryIt: 'try `it`',
    diagram: { file: 'media/diagrams/d.svg', alt: 'alt' },
  });
  const curriculum: SourceCurriculum = {
    schemaVersion: 1,
    title: 'T',
    steps: [{ id: 'one', title: 'One', objective: 'o', duration: { min: 1, max: 1, unit: 'month' }, topics: [source('a'), source('b')] }],
  };

  it('leaves out of dist/curriculum.json what only a lesson page reads, and gets it back whole from the lessons', () => {
    const runtime = runtimeCurriculum(curriculum);
    assert.deepEqual(Object.keys(runtime.steps[0].topics[0]).sort(), ['concepts', 'diagram', 'hours', 'id', 'summary', 'title']);
    const texts = Object.fromEntries(curriculum.steps[0].topics.map((topic) => [topic.id, { html: '<p>x</p>', ...lessonText(topic) }]));
    const joined = withLessonText(JSON.parse(JSON.stringify(runtime)) as typeof runtime, texts);
    assert.deepEqual(joined?.steps[0].topics[0], Object.fromEntries(Object.entries(source('a')).filter(([key]) => key !== 'lesson')));
  });

  it('joins nothing when a topic has no text in the lessons', () => {
    assert.equal(withLessonText(runtimeCurriculum(curriculum), { a: lessonText(source('a')) }), undefined);
  });

  it('ships dist/curriculum.json without lesson text, and every topic with its text in dist/lessons.json.br', () => {
    const shipped = JSON.parse(readFileSync(distFile('curriculum.json'), 'utf8')) as Curriculum;
    const lessons = JSON.parse(brotliDecompressSync(readFileSync(distFile('lessons.json.br'))).toString('utf8')) as Record<string, TopicLessonText>;
    const topics = shipped.steps.flatMap((step) => step.topics);
    assert.ok(topics.length > 0, 'no topics shipped');
    for (const topic of topics) {
      assert.deepEqual(
        Object.keys(topic).filter((key) => ['lesson', 'reading', 'papers', 'selfCheck', 'tryIt'].includes(key)),
        [],
        topic.id,
      );
      assert.ok(
        lessons[topic.id]?.reading.guide && lessons[topic.id].selfCheck.length > 0 && lessons[topic.id].tryIt,
        `${topic.id} has no text in the lessons`,
      );
    }
  });
});
