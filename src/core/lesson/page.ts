// The lesson page of a topic as one HTML document for a webview: strict Content Security Policy
// with a nonce, no inline handlers, every curriculum string escaped. Pure: the adapter supplies
// the webview's CSP source, the nonce and the URIs of the script, style and diagram.
import * as l10n from '@vscode/l10n';
import { formatAuthors, type Curriculum, type Step, type Topic, type TopicLessonText } from '../curriculum/model';
import { BOX_INTERVAL_DAYS, describeDue, type ReviewState } from '../review/schedule';

export interface LessonLinks {
  /** Projects' milestones that list this topic under "read first". */
  readonly usedIn: readonly {
    readonly project: string;
    readonly projectTitle: string;
    readonly milestone: string;
    readonly title: string;
    readonly number: number;
  }[];
  /** The topic after this one in the roadmap's order, crossing into the next step after a step's last topic. */
  readonly next?: LinkedTopic;
  readonly previous?: LinkedTopic;
}

export interface LinkedTopic {
  readonly id: string;
  readonly title: string;
  /** Set when the topic is in another step than the lesson's: that step's number and title. */
  readonly step?: { readonly number: number; readonly title: string };
}

/**
 * What the build writes per topic into dist/lessons.json.br: the lesson rendered, and the text
 * only the lesson page shows (reading, papers, self-checks, try-it), which dist/curriculum.json leaves out.
 */
export interface LessonContent extends TopicLessonText {
  /** The lesson's Markdown rendered by markdown-it with raw HTML disabled. */
  readonly html: string;
  /** The topic's "Try it" text rendered as inline Markdown, raw HTML disabled. */
  readonly tryItHtml: string;
}

/** What a lesson shows when dist/lessons.json.br could not be read (the panel logs why): its title, summary and concepts. */
export const MISSING_LESSON_CONTENT: LessonContent = { html: '', tryItHtml: '', tryIt: '', reading: { guide: '' }, selfCheck: [] };

export interface LessonPageInput {
  readonly step: Step;
  readonly stepNumber: number;
  readonly topic: Topic;
  readonly content: LessonContent;
  /** The topic's diagram (its file under media/, checked by diagramProblems at build time), to inline. */
  readonly diagramSvg?: string;
  readonly done: boolean;
  /** Where the topic stands in the spaced review, in words (lessonReviewText). */
  readonly reviewText: string;
  readonly links: LessonLinks;
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /** The display language VS Code runs in (vscode.env.language): the page's own words are in it. */
  readonly language: string;
}

/** The language the curriculum is written in: its text is marked so, whatever the page's language. */
export const CURRICULUM_LANGUAGE = 'en';

/** Messages the page may send; the panel ignores and logs anything else. */
export type LessonMessage =
  | { readonly type: 'markDone'; readonly topicId: string; readonly done: boolean }
  | { readonly type: 'markDoneAndNext'; readonly topicId: string }
  | { readonly type: 'openTopic'; readonly topicId: string }
  | { readonly type: 'openMilestone'; readonly project: string; readonly milestone: string }
  | { readonly type: 'review'; readonly topicId: string; readonly answer: 'knew' | 'forgot' }
  | { readonly type: 'openNotes'; readonly topicId: string };

export function parseLessonMessage(message: unknown): LessonMessage | undefined {
  if (typeof message !== 'object' || message === null) {
    return undefined;
  }
  const m = message as Record<string, unknown>;
  const keys = Object.keys(m).sort().join(',');
  if (m.type === 'markDone' && keys === 'done,topicId,type' && typeof m.topicId === 'string' && typeof m.done === 'boolean') {
    return { type: 'markDone', topicId: m.topicId, done: m.done };
  }
  if (m.type === 'markDoneAndNext' && keys === 'topicId,type' && typeof m.topicId === 'string') {
    return { type: 'markDoneAndNext', topicId: m.topicId };
  }
  if (m.type === 'openTopic' && keys === 'topicId,type' && typeof m.topicId === 'string') {
    return { type: 'openTopic', topicId: m.topicId };
  }
  if (m.type === 'openMilestone' && keys === 'milestone,project,type' && typeof m.project === 'string' && typeof m.milestone === 'string') {
    return { type: 'openMilestone', project: m.project, milestone: m.milestone };
  }
  if (m.type === 'review' && keys === 'answer,topicId,type' && typeof m.topicId === 'string' && (m.answer === 'knew' || m.answer === 'forgot')) {
    return { type: 'review', topicId: m.topicId, answer: m.answer };
  }
  if (m.type === 'openNotes' && keys === 'topicId,type' && typeof m.topicId === 'string') {
    return { type: 'openNotes', topicId: m.topicId };
  }
  return undefined;
}

/** The milestones that read this topic first, and the topics before and after it in its step. */
export function lessonLinks(curriculum: Curriculum, step: Step, topic: Topic): LessonLinks {
  const usedIn = curriculum.steps
    .flatMap((s) => s.projects ?? [])
    .flatMap((project) =>
      (project.milestones ?? [])
        .map((milestone, index) => ({ project, milestone, number: index + 1 }))
        .filter(({ milestone }) => milestone.readFirst.includes(topic.id))
        .map(({ project, milestone, number }) => ({
          project: project.id,
          projectTitle: project.title,
          milestone: milestone.id,
          title: milestone.title,
          number,
        })),
    );
  // Every topic in the roadmap's order, so "Next" goes on into the next step after a step's last topic.
  const ordered = curriculum.steps.flatMap((s, stepIndex) => s.topics.map((t) => ({ topic: t, step: s, number: stepIndex + 1 })));
  const index = ordered.findIndex((entry) => entry.topic.id === topic.id);
  const neighbour = (i: number): LinkedTopic | undefined => {
    const entry = ordered[i];
    if (!entry || index < 0) {
      return undefined;
    }
    return {
      id: entry.topic.id,
      title: entry.topic.title,
      ...(entry.step.id === step.id ? {} : { step: { number: entry.number, title: entry.step.title } }),
    };
  };
  return { usedIn, next: neighbour(index + 1), previous: neighbour(index - 1) };
}

/** What the panel tells an open page after the topic's progress changed, instead of rendering it again. */
export interface LessonStateMessage {
  readonly type: 'state';
  readonly done: boolean;
  /** The label of the Mark Done button. */
  readonly markLabel: string;
  /** Read out by screen readers (the page's live region). */
  readonly announcement: string;
}

export function lessonStateMessage(topic: Topic, done: boolean): LessonStateMessage {
  return {
    type: 'state',
    done,
    markLabel: markLabel(done),
    announcement: done ? l10n.t('{0}: marked done.', topic.title) : l10n.t('{0}: marked not done.', topic.title),
  };
}

function markLabel(done: boolean): string {
  return done ? l10n.t('Mark topic not done') : l10n.t('Mark topic done');
}

/** What the panel tells an open page after the learner answered its review, in place. */
export interface LessonReviewMessage {
  readonly type: 'review';
  readonly text: string;
}

/** The review line of a lesson: where the topic stands, or how to start reviewing it. */
export function lessonReviewText(state: ReviewState | undefined, now: Date): string {
  if (!state) {
    return l10n.t('Not in your review yet: after each answer, say whether you knew it, and the topic comes back when it is due.');
  }
  return l10n.t('Review: box {0} of {1}, {2}.', state.box, BOX_INTERVAL_DAYS.length, describeDue(state, now));
}

/** What a lesson page keeps in its webview state, and what the serializer gets back after a restart. */
export interface LessonViewState {
  readonly topicId: string;
  readonly scrollY?: number;
  /** Indexes of the self-check answers that are open. */
  readonly open?: readonly number[];
}

/** The topic of a lesson page's saved state, or undefined when the state is not one (another version's, or damaged). */
export function parseLessonViewState(state: unknown): LessonViewState | undefined {
  if (typeof state !== 'object' || state === null) {
    return undefined;
  }
  const s = state as Record<string, unknown>;
  return typeof s.topicId === 'string' && s.topicId.length > 0 ? { topicId: s.topicId } : undefined;
}

/** The paper's DOI or stable address as a link the webview opens in the browser; the schema allows only https and DOIs. */
function paperLink(paper: { readonly doi?: string; readonly url?: string }): string {
  const href = paper.doi ? `https://doi.org/${paper.doi}` : paper.url;
  return href ? ` <a href="${esc(href)}">${esc(paper.doi ? `doi:${paper.doi}` : href)}</a>` : '';
}

export function renderLessonPage(input: LessonPageInput): string {
  const { topic, step, links } = input;
  // The curriculum's text keeps its own language, so a screen reader reads it as written.
  const content = `lang="${CURRICULUM_LANGUAGE}"`;
  const csp = ["default-src 'none'", `img-src ${input.cspSource}`, `style-src ${input.cspSource}`, `script-src 'nonce-${input.nonce}'`].join('; ');
  const book = step.textbook;
  // The book's title is markup inside a translated sentence: translated around a mark, escaped, then the title put in.
  const reading = book
    ? `<p>${esc(l10n.t('{0} by {1}', TITLE_MARK, formatAuthors(book.authors))).replace(TITLE_MARK, `<cite>${esc(book.title)}</cite>`)}${book.edition ? `, ${esc(book.edition)}` : ''}</p>`
    : '';
  const { reading: topicReading, papers: paperList, selfCheck } = input.content;
  const chapters = topicReading.chapters?.length
    ? `<p>${esc(topicReading.chapters.length === 1 ? l10n.t('Chapter: {0}', topicReading.chapters.join('; ')) : l10n.t('Chapters: {0}', topicReading.chapters.join('; ')))}</p>`
    : '';
  const papers = (paperList ?? [])
    .map(
      (paper) =>
        `<li>${esc(formatAuthors(paper.authors))} (${paper.year}). <cite>${esc(paper.title)}</cite>${paper.venue ? `. ${esc(paper.venue)}` : ''}.${paperLink(paper)}</li>`,
    )
    .join('');
  const questions = selfCheck
    .map(
      (check, i) =>
        `<li><p ${content}>${esc(check.question)}</p><details><summary>${esc(l10n.t('Show answer'))}</summary><p ${content} data-answer="${i}">${esc(check.answer)}</p>` +
        `<p class="review-ask">${esc(l10n.t('Did you know it?'))} <button data-action="review" data-answer="knew">${esc(l10n.t('I knew it'))}</button> ` +
        `<button class="secondary" data-action="review" data-answer="forgot">${esc(l10n.t("I didn't"))}</button></p></details></li>`,
    )
    .join('');
  const usedIn = links.usedIn
    .map(
      (use) =>
        `<li><button class="link" data-action="openMilestone" data-project="${esc(use.project)}" data-milestone="${esc(use.milestone)}">${esc(l10n.t('{0}, milestone {1}: {2}', use.projectTitle, use.number, use.title))}</button></li>`,
    )
    .join('');
  // Inlined, not an <img>, so that currentColor takes the theme's foreground colour.
  const diagram = input.diagramSvg && topic.diagram ? `<figure ${content}>${input.diagramSvg}<figcaption>${esc(topic.diagram.alt)}</figcaption></figure>` : '';
  const nav = (target: LinkedTopic | undefined, label: string) =>
    target
      ? `<button class="secondary" data-action="openTopic" data-topic="${esc(target.id)}">${esc(target.step ? l10n.t('{0}, in step {1}: {2}', label, target.step.number, target.title) : l10n.t('{0}: {1}', label, target.title))}</button>`
      : '';

  return `<!DOCTYPE html>
<html lang="${esc(input.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${esc(input.styleUri)}">
<title ${content}>${esc(topic.title)}</title>
</head>
<body data-topic="${esc(topic.id)}" data-done="${input.done}">
<header>
<p class="eyebrow">${esc(l10n.t('Step {0}: {1} · {2} h', input.stepNumber, step.title, topic.hours))}</p>
<h1 ${content}>${esc(topic.title)}</h1>
<p class="summary" ${content}>${esc(topic.summary)}</p>
<p class="concepts" ${content}>${topic.concepts.map((concept) => `<span class="tag">${esc(concept)}</span>`).join(' ')}</p>
</header>
<main>
${diagram}
<section class="lesson" ${content}>${input.content.html}</section>
<section><h2>${esc(l10n.t('Read'))}</h2>${reading}${chapters}<p ${content}>${esc(topicReading.guide)}</p>${papers ? `<h3>${esc(l10n.t('Papers'))}</h3><ul>${papers}</ul>` : ''}</section>
<section><h2>${esc(l10n.t('Check yourself'))}</h2><ol class="questions">${questions}</ol><p id="review-status" role="status" aria-live="polite">${esc(input.reviewText)}</p></section>
<section><h2>${esc(l10n.t('Try it'))}</h2><p class="try-it" ${content}>${input.content.tryItHtml}</p></section>
${usedIn ? `<section><h2>${esc(l10n.t('Used in'))}</h2><ul class="used-in">${usedIn}</ul></section>` : ''}
</main>
<footer>
<button id="mark-done" data-action="markDone">${esc(markLabel(input.done))}</button>
${links.next ? `<button id="mark-done-next" data-action="markDoneAndNext"${input.done ? ' hidden' : ''}>${esc(l10n.t('Mark done & next'))}</button>` : ''}
<button class="secondary" data-action="openNotes">${esc(l10n.t('Open notes'))}</button>
${nav(links.previous, l10n.t('Previous'))}
${nav(links.next, l10n.t('Next topic'))}
</footer>
<p id="status" class="visually-hidden" role="status" aria-live="polite"></p>
<script nonce="${input.nonce}" src="${esc(input.scriptUri)}"></script>
</body>
</html>`;
}

const TITLE_MARK = '\u0000';

/** Escapes text for HTML element content and double-quoted attributes. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
