import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { compileCurriculum, formatProblem } from '../../../src/core/curriculum/compile';
import type { SourceCurriculum as Curriculum } from '../../../src/core/curriculum/model';
import { lessonContent, renderInlineMarkdown, renderLessonMarkdown } from '../../../src/core/lesson/markdown';
import { lessonLinks, lessonReviewText, lessonStateMessage, parseLessonMessage, parseLessonViewState, renderLessonPage } from '../../../src/core/lesson/page';

const PAYLOADS = readFileSync(join(__dirname, '..', '..', 'fixtures', 'xss-payloads.txt'), 'utf8')
  .split('\n')
  .filter(Boolean);
const NONCE = 'bm9uY2Utbm9uY2Utbm9uY2U=';

/** A curriculum whose every text field carries one payload, compiled by the real pipeline. */
function hostileCurriculum(payload: string): Curriculum {
  const roadmap = {
    schemaVersion: 1,
    title: payload,
    steps: [
      {
        id: 'hostile',
        title: payload,
        objective: payload,
        textbook: { title: payload, authors: [payload], edition: payload },
        duration: { min: 1, max: 1, unit: 'month' },
        goal: payload,
      },
    ],
  };
  const topic = (id: string) => ({
    id,
    title: payload,
    hours: 1,
    summary: payload,
    concepts: [payload],
    lesson: `# ${payload}\n\n${payload}\n\n- ${payload}\n\n\`${payload}\`\n`,
    reading: { chapters: [payload], guide: payload },
    papers: [{ authors: [payload], title: payload, year: 2000, venue: payload }],
    selfCheck: [1, 2, 3].map(() => ({ question: payload, answer: payload })),
    tryIt: payload,
  });
  const result = compileCurriculum({
    roadmap: { path: 'roadmap.yaml', text: stringify(roadmap) },
    topicFiles: [{ path: 'topics/hostile.yaml', text: stringify({ step: 'hostile', topics: ['t-a', 't-b', 't-c', 't-d', 't-e'].map(topic) }) }],
    fileExists: () => true,
  });
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.problems));
  return result.curriculum;
}

function page(curriculum: Curriculum, language = 'en'): string {
  const step = curriculum.steps[0];
  const topic = step.topics[0];
  return renderLessonPage({
    step,
    stepNumber: 1,
    topic,
    content: lessonContent(topic),
    done: false,
    reviewText: 'Not in your review yet.',
    links: lessonLinks(curriculum, step, topic),
    cspSource: 'https://webview.example',
    nonce: NONCE,
    scriptUri: 'https://webview.example/media/lesson.js',
    styleUri: 'https://webview.example/media/lesson.css',
    language,
  });
}

/** Every real tag of the page, with its attributes. */
function tags(html: string): { name: string; attributes: string }[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)].map((m) => ({ name: m[1].toLowerCase(), attributes: m[2] }));
}

describe('lesson page', () => {
  it(`neutralises each of ${PAYLOADS.length} hostile payloads placed in every text field`, () => {
    assert.ok(PAYLOADS.length >= 20);
    const allowed = new Set([
      'html',
      'head',
      'meta',
      'link',
      'title',
      'body',
      'header',
      'p',
      'h1',
      'h2',
      'h3',
      'span',
      'main',
      'section',
      'cite',
      'ol',
      'ul',
      'li',
      'details',
      'summary',
      'footer',
      'button',
      'script',
      'code',
      'em',
      'strong',
      'a',
      'pre',
      'br',
      'hr',
      'blockquote',
    ]);
    for (const payload of PAYLOADS) {
      const html = page(hostileCurriculum(payload));
      const found = tags(html);
      const where = `payload ${JSON.stringify(payload)}`;
      for (const tag of found) {
        assert.ok(allowed.has(tag.name), `${where}: unexpected <${tag.name}>`);
        assert.doesNotMatch(tag.attributes, /\son[a-z]+\s*=/i, `${where}: event handler in <${tag.name}${tag.attributes}>`);
        assert.doesNotMatch(tag.attributes, /(href|src|action|data)\s*=\s*["']?\s*(javascript|vbscript|data|file):/i, `${where}: script URL`);
      }
      assert.equal(found.filter((tag) => tag.name === 'script').length, 1, `${where}: extra script`);
      assert.equal(found.filter((tag) => tag.name === 'link').length, 1, `${where}: extra stylesheet`);
      assert.equal(found.filter((tag) => tag.name === 'meta').length, 3, `${where}: extra meta`);
      for (const anchor of found.filter((tag) => tag.name === 'a')) {
        assert.match(anchor.attributes, /href="https?:\/\//, `${where}: a link that is not http(s): ${anchor.attributes}`);
      }
    }
  });

  it('carries a strict Content Security Policy with the nonce, and the only script uses it', () => {
    const html = page(hostileCurriculum('plain text'));
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.equal(csp, `default-src 'none'; img-src https://webview.example; style-src https://webview.example; script-src 'nonce-${NONCE}'`);
    assert.match(html, new RegExp(`<script nonce="${NONCE}" src="https://webview.example/media/lesson.js"></script>`));
    assert.doesNotMatch(html, /\son[a-z]+=/i);
    assert.doesNotMatch(html, /style="/);
  });

  it('links each paper through its DOI or its stable address, and refuses any other kind of address', () => {
    const curriculum = hostileCurriculum('plain text');
    const step = curriculum.steps[0];
    const withLinks = {
      ...step.topics[0],
      papers: [
        { authors: ['A'], title: 'With a DOI', year: 2014, doi: '10.1145/2408776.2408794' },
        { authors: ['B'], title: 'With an address', year: 2014, url: 'https://raft.github.io/raft.pdf' },
      ],
    };
    const html = renderLessonPage({
      step,
      stepNumber: 1,
      topic: withLinks,
      content: lessonContent(withLinks),
      done: false,
      reviewText: 'Not in your review yet.',
      links: lessonLinks(curriculum, step, withLinks),
      cspSource: 'https://webview.example',
      nonce: NONCE,
      scriptUri: 'https://webview.example/media/lesson.js',
      styleUri: 'https://webview.example/media/lesson.css',
      language: 'en',
    });
    assert.match(html, /<a href="https:\/\/doi\.org\/10\.1145\/2408776\.2408794">doi:10\.1145\/2408776\.2408794<\/a>/);
    assert.match(html, /<a href="https:\/\/raft\.github\.io\/raft\.pdf">https:\/\/raft\.github\.io\/raft\.pdf<\/a>/);
    for (const [field, value, message] of [
      ['doi', 'https://doi.org/10.1145/1', /bad DOI "https:\/\/doi\.org\/10\.1145\/1" at topics\[0\]\.papers\[0\]\.doi: write the DOI alone/],
      ['url', 'javascript:alert(1)', /bad address "javascript:alert\(1\)" at topics\[0\]\.papers\[0\]\.url: use a stable https:\/\/ address/],
    ] as const) {
      const topic = { ...withLinks, papers: [{ authors: ['A'], title: 'T', year: 2014, [field]: value }] };
      const result = compileCurriculum({
        roadmap: {
          path: 'roadmap.yaml',
          text: stringify({
            schemaVersion: 1,
            title: 'T',
            steps: [{ id: 'hostile', title: 'T', objective: 'O', duration: { min: 1, max: 1, unit: 'month' } }],
          }),
        },
        topicFiles: [
          { path: 'topics/hostile.yaml', text: stringify({ step: 'hostile', topics: ['t-a', 't-b', 't-c', 't-d', 't-e'].map((id) => ({ ...topic, id })) }) },
        ],
        fileExists: () => true,
      });
      assert.equal(result.ok, false, `${field} ${value} was accepted`);
      assert.match(result.ok ? '' : result.problems.map(formatProblem).join('\n'), message);
    }
  });

  it('hides each self-check answer until asked', () => {
    const html = page(hostileCurriculum('plain text'));
    assert.equal((html.match(/<details><summary>Show answer<\/summary>/g) ?? []).length, 3);
    assert.doesNotMatch(html, /<details open/);
  });

  it('renders lesson Markdown with raw HTML shown as text', () => {
    assert.equal(renderLessonMarkdown('<b>x</b> **y**'), '<p>&lt;b&gt;x&lt;/b&gt; <strong>y</strong></p>\n');
    assert.equal(renderLessonMarkdown('[ok](https://example.org)'), '<p><a href="https://example.org">ok</a></p>\n');
  });

  it('accepts only the listed messages from the page, with exactly their fields', () => {
    assert.deepEqual(parseLessonMessage({ type: 'markDone', topicId: 'a', done: true }), { type: 'markDone', topicId: 'a', done: true });
    assert.deepEqual(parseLessonMessage({ type: 'openTopic', topicId: 'a' }), { type: 'openTopic', topicId: 'a' });
    assert.deepEqual(parseLessonMessage({ type: 'markDoneAndNext', topicId: 'a' }), { type: 'markDoneAndNext', topicId: 'a' });
    assert.deepEqual(parseLessonMessage({ type: 'openMilestone', project: 'p', milestone: 'm' }), {
      type: 'openMilestone',
      project: 'p',
      milestone: 'm',
    });
    assert.deepEqual(parseLessonMessage({ type: 'review', topicId: 'a', answer: 'forgot' }), { type: 'review', topicId: 'a', answer: 'forgot' });
    assert.deepEqual(parseLessonMessage({ type: 'openNotes', topicId: 'a' }), { type: 'openNotes', topicId: 'a' });
    for (const bad of [
      null,
      'markDone',
      { type: 'review', topicId: 'a', answer: 'perfect' },
      { type: 'review', topicId: 'a' },
      { type: 'openNotes', topicId: 'a', path: '/etc/passwd' },
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'markDone', topicId: 'a' },
      { type: 'markDone', topicId: 'a', done: 'yes' },
      { type: 'openTopic', topicId: 'a', extra: 1 },
      { type: 'openMilestone', project: 'p' },
      { type: 'markDoneAndNext', topicId: 'a', done: true },
      { type: 'markDoneAndNext' },
      { type: '__proto__' },
    ]) {
      assert.equal(parseLessonMessage(bad), undefined, JSON.stringify(bad));
    }
  });

  it('links a topic to the milestones that read it first and to its neighbours', () => {
    const curriculum: Curriculum = {
      ...hostileCurriculum('x'),
    };
    const step = curriculum.steps[0];
    const links = lessonLinks(
      {
        ...curriculum,
        steps: [
          ...curriculum.steps,
          {
            id: 'p',
            title: 'P',
            objective: 'o',
            duration: { min: 1, max: 1, unit: 'month' },
            topics: [],
            projects: [{ id: 'db', title: 'DB', idea: 'i', milestones: [{ id: 'm1', title: 'M1', goal: 'g', readFirst: ['t-b'] }] }],
          },
        ],
      },
      step,
      step.topics[1],
    );
    assert.deepEqual(links.usedIn, [{ project: 'db', projectTitle: 'DB', milestone: 'm1', title: 'M1', number: 1 }]);
    assert.equal(links.previous?.id, 't-a');
    assert.equal(links.next?.id, 't-c');
  });

  it('goes on to the next step after the last topic of a step, and back', () => {
    const one = hostileCurriculum('x');
    const second = {
      ...one.steps[0],
      id: 'second',
      title: 'Second',
      topics: one.steps[0].topics.map((topic) => ({ ...topic, id: `2-${topic.id}`, title: `2 ${topic.id}` })),
    };
    const curriculum: Curriculum = { ...one, steps: [one.steps[0], second] };
    const [first] = curriculum.steps;
    const last = first.topics[first.topics.length - 1];
    const forward = lessonLinks(curriculum, first, last);
    assert.deepEqual(forward.next, { id: '2-t-a', title: '2 t-a', step: { number: 2, title: 'Second' } });
    assert.equal(forward.previous?.id, 't-d');
    assert.equal(forward.previous?.step, undefined);
    const back = lessonLinks(curriculum, second, second.topics[0]);
    assert.deepEqual(back.previous, { id: last.id, title: last.title, step: { number: 1, title: first.title } });
    assert.equal(lessonLinks(curriculum, second, second.topics[4]).next, undefined);
    const html = renderLessonPage({
      step: first,
      stepNumber: 1,
      topic: last,
      content: lessonContent(last),
      done: false,
      reviewText: 'Not in your review yet.',
      links: forward,
      cspSource: 'https://webview.example',
      nonce: NONCE,
      scriptUri: 'https://webview.example/media/lesson.js',
      styleUri: 'https://webview.example/media/lesson.css',
      language: 'en',
    });
    assert.match(html, /data-topic="2-t-a">Next topic, in step 2: 2 t-a<\/button>/);
    assert.match(html, /<button id="mark-done-next" data-action="markDoneAndNext">Mark done &#38; next<\/button>/);
  });

  it('offers "Mark done & next" only while the topic is not done and a next topic exists', () => {
    const curriculum = hostileCurriculum('x');
    const step = curriculum.steps[0];
    const render = (index: number, done: boolean) =>
      renderLessonPage({
        step,
        stepNumber: 1,
        topic: step.topics[index],
        content: lessonContent(step.topics[index]),
        done,
        reviewText: 'Not in your review yet.',
        links: lessonLinks(curriculum, step, step.topics[index]),
        cspSource: 'https://webview.example',
        nonce: NONCE,
        scriptUri: 'https://webview.example/media/lesson.js',
        styleUri: 'https://webview.example/media/lesson.css',
        language: 'en',
      });
    assert.match(render(0, false), /<button id="mark-done-next" data-action="markDoneAndNext">/);
    assert.match(render(0, true), /<button id="mark-done-next" data-action="markDoneAndNext" hidden>/);
    assert.doesNotMatch(render(4, false), /mark-done-next/);
  });

  it('asks after each self-check answer whether the learner knew it, shows where the topic stands in the review, and links its notes', () => {
    const html = page(hostileCurriculum('plain text'));
    const asks =
      html.match(
        /<p class="review-ask">Did you know it\? <button data-action="review" data-answer="knew">I knew it<\/button> <button class="secondary" data-action="review" data-answer="forgot">I didn&#39;t<\/button><\/p><\/details>/g,
      ) ?? [];
    assert.equal(asks.length, hostileCurriculum('plain text').steps[0].topics[0].selfCheck.length);
    assert.ok(asks.length > 0);
    assert.match(html, /<p id="review-status" role="status" aria-live="polite">Not in your review yet.<\/p>/);
    assert.match(html, /<button class="secondary" data-action="openNotes">Open notes<\/button>/);
    assert.equal(lessonReviewText(undefined, new Date(0)).startsWith('Not in your review yet'), true);
    assert.equal(
      lessonReviewText({ box: 2, due: '2026-03-05T00:00:00.000Z', answer: 'knew', lapses: 0 }, new Date('2026-03-02T00:00:00.000Z')),
      'Review: box 2 of 5, due again in 3 days.',
    );
  });

  it("declares VS Code's display language for the page and English for the curriculum's own text", () => {
    const curriculum = hostileCurriculum('curriculum words');
    const html = page(curriculum, 'de');
    assert.match(html, /<html lang="de">/);
    for (const marked of [
      '<title lang="en">curriculum words</title>',
      '<h1 lang="en">curriculum words</h1>',
      '<p class="summary" lang="en">curriculum words</p>',
      '<p class="concepts" lang="en">',
      '<section class="lesson" lang="en">',
      '<p lang="en">curriculum words</p><details>',
      '<p class="try-it" lang="en">curriculum words</p>',
    ]) {
      assert.ok(html.includes(marked), marked);
    }
    // The reading guide: the last paragraph of the Read section.
    assert.match(html, /<p lang="en">curriculum words<\/p>(<h3>|<\/section>)/);
    // The page's own words are in the display language: not marked.
    assert.match(html, /<summary>Show answer<\/summary>/);
    assert.match(page(curriculum, '"><script>'), /<html lang="&#34;&#62;&#60;script&#62;">/);
  });

  it('has a live region for screen readers, and tells an open page of a change in a message rather than a new page', () => {
    const html = page(hostileCurriculum('plain text'));
    assert.match(html, /<p id="status" class="visually-hidden" role="status" aria-live="polite"><\/p>/);
    const topic = hostileCurriculum('plain text').steps[0].topics[0];
    assert.deepEqual(lessonStateMessage(topic, true), {
      type: 'state',
      done: true,
      markLabel: 'Mark topic not done',
      announcement: 'plain text: marked done.',
    });
    assert.equal(lessonStateMessage(topic, false).markLabel, 'Mark topic done');
  });

  it('renders "Try it" as inline Markdown, code spans as code and raw HTML as text', () => {
    assert.equal(renderInlineMarkdown('Run `nc -l 9000` and <b>see</b>'), 'Run <code>nc -l 9000</code> and &lt;b&gt;see&lt;/b&gt;');
    const html = page(hostileCurriculum('Run `nc -l 9000`'));
    assert.match(html, /<p class="try-it" lang="en">Run <code>nc -l 9000<\/code><\/p>/);
  });

  it('reads back the topic of a saved lesson state, and nothing from a state that is not one', () => {
    assert.deepEqual(parseLessonViewState({ topicId: 'naming', scrollY: 420, open: [1] }), { topicId: 'naming' });
    for (const bad of [undefined, null, 'naming', {}, { topicId: '' }, { topicId: 7 }]) {
      assert.equal(parseLessonViewState(bad), undefined, JSON.stringify(bad));
    }
  });
});
