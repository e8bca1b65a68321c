// Build-time rendering of lesson Markdown to HTML with markdown-it, raw HTML disabled: a lesson
// can format text and link to web pages, never inject markup or script.
import MarkdownIt from 'markdown-it';
import { lessonText, type TopicSource } from '../curriculum/model';
import type { LessonContent } from './page';

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: true });
// Images come from the topic's diagram, shipped with the extension; a lesson never loads one from the web.
markdown.disable('image');

/** Links may go to the web only; markdown-it's own check already refuses javascript:, data: and the like. */
const defaultValidate = markdown.validateLink.bind(markdown);
markdown.validateLink = (url: string): boolean => defaultValidate(url) && /^https?:\/\//i.test(url.trim());

export function renderLessonMarkdown(source: string): string {
  return markdown.render(source);
}

/** One paragraph's worth of Markdown (code spans, emphasis, links) without the enclosing <p>: the lesson's "Try it" text. */
export function renderInlineMarkdown(source: string): string {
  return markdown.renderInline(source);
}

/** What the build writes for a topic into dist/lessons.json.br: its lesson and "Try it" rendered, and its lesson text. */
export function lessonContent(topic: TopicSource): LessonContent {
  return { html: renderLessonMarkdown(topic.lesson), tryItHtml: renderInlineMarkdown(topic.tryIt), ...lessonText(topic) };
}
