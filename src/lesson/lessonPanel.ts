// The lesson view: one webview panel per editor column, reused when another lesson opens there.
// A page is rendered once per topic; progress changes reach it as messages, so the reader keeps
// their place (the page keeps scroll and open answers in its webview state, which also brings the
// lesson back after a restart through the serializer). Strict CSP with a fresh nonce per render,
// resources only from the extension's media, and only the messages of parseLessonMessage accepted.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { brotliDecompressSync } from 'node:zlib';
import * as vscode from 'vscode';
import { WebviewTypes } from '../constants';
import { findTopic } from '../core/curriculum/model';
import {
  lessonLinks,
  lessonReviewText,
  lessonStateMessage,
  parseLessonMessage,
  parseLessonViewState,
  MISSING_LESSON_CONTENT,
  renderLessonPage,
  type LessonContent,
  type LessonReviewMessage,
} from '../core/lesson/page';
import { openNotes } from '../notes/notes';
import { setDone } from '../progress/actions';
import type { LoadedRoadmap, RoadmapContext } from '../roadmap/roadmap';
import type { ReviewBoard } from '../review/reviewBoard';

interface LessonEntry {
  readonly panel: vscode.WebviewPanel;
  topicId: string;
}

export class LessonPanels implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private readonly entries = new Set<LessonEntry>();
  private lessons: Promise<Readonly<Record<string, LessonContent>>> | undefined;
  private readonly subscriptions: { dispose(): void }[];

  constructor(
    private readonly ctx: RoadmapContext,
    private readonly roadmap: LoadedRoadmap,
    private readonly reviews: ReviewBoard,
    private readonly revealMilestone: (project: string, milestone: string) => Promise<void>,
  ) {
    this.subscriptions = [
      // Keep open lessons' "done" state in step with the tree and other windows, in place.
      roadmap.onDidChange(({ progressIds }) => {
        for (const entry of this.entries) {
          if (progressIds.includes(entry.topicId)) {
            this.postState(entry);
          }
        }
      }),
      // And their review line: an answer in another window, or a topic falling due while it is open.
      reviews.onDidChange(() => {
        for (const entry of this.entries) {
          this.postReview(entry);
        }
      }),
    ];
  }

  /** Opens a topic's lesson in the active column, reusing that column's lesson panel. */
  async show(topicId: string, column: vscode.ViewColumn = vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.One): Promise<vscode.WebviewPanel> {
    const found = findTopic(this.roadmap.curriculum, topicId);
    if (!found) {
      throw new Error(vscode.l10n.t('"{0}" is not a topic of the roadmap.', topicId));
    }
    let entry = [...this.entries].find((candidate) => candidate.panel.viewColumn === column);
    if (!entry) {
      const panel = vscode.window.createWebviewPanel(WebviewTypes.lesson, found.topic.title, column, this.webviewOptions());
      entry = this.adopt(panel, topicId);
    } else if (entry.topicId === topicId) {
      // Already showing it: bring it forward as it is, where the reader left it.
      entry.panel.reveal(column);
      return entry.panel;
    }
    entry.topicId = topicId;
    await this.render(entry);
    entry.panel.reveal(column);
    return entry.panel;
  }

  /** Brings back a lesson VS Code restored after a restart, at the topic its page last saved. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const topicId = parseLessonViewState(state)?.topicId;
    if (!topicId || !findTopic(this.roadmap.curriculum, topicId)) {
      this.ctx.log.info(`Closed a restored lesson whose topic is no longer in the roadmap: ${JSON.stringify(state)?.slice(0, 200)}`);
      panel.dispose();
      return;
    }
    panel.webview.options = this.webviewOptions();
    await this.render(this.adopt(panel, topicId));
  }

  /** The topic shown in each open lesson panel, for tests and the walkthrough. */
  openTopics(): string[] {
    return [...this.entries].map((entry) => entry.topicId);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    for (const entry of this.entries) {
      entry.panel.dispose();
    }
    this.entries.clear();
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: [vscode.Uri.joinPath(this.ctx.extensionUri, 'media')],
    };
  }

  private adopt(panel: vscode.WebviewPanel, topicId: string): LessonEntry {
    panel.iconPath = vscode.Uri.joinPath(this.ctx.extensionUri, 'media', 'activity-bar.svg');
    const entry: LessonEntry = { panel, topicId };
    this.entries.add(entry);
    panel.onDidDispose(() => this.entries.delete(entry));
    panel.webview.onDidReceiveMessage((message: unknown) => this.receive(entry, message));
    return entry;
  }

  private postState(entry: LessonEntry): void {
    const found = findTopic(this.roadmap.curriculum, entry.topicId);
    if (found) {
      void entry.panel.webview.postMessage(lessonStateMessage(found.topic, this.roadmap.progress.isDone(entry.topicId)));
    }
  }

  private postReview(entry: LessonEntry): void {
    const message: LessonReviewMessage = { type: 'review', text: lessonReviewText(this.reviews.state(entry.topicId), this.reviews.now()) };
    void entry.panel.webview.postMessage(message);
  }

  private async render(entry: LessonEntry): Promise<void> {
    const found = findTopic(this.roadmap.curriculum, entry.topicId);
    if (!found) {
      return;
    }
    const { step, topic } = found;
    const { panel } = entry;
    const webview = panel.webview;
    const media = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.ctx.extensionUri, 'media', name)).toString();
    const [lessons, diagramSvg] = await Promise.all([this.loadLessons(), topic.diagram && this.readDiagram(topic.diagram.file)]);
    panel.title = topic.title;
    webview.html = renderLessonPage({
      step,
      stepNumber: this.roadmap.curriculum.steps.indexOf(step) + 1,
      topic,
      content: lessons[topic.id] ?? MISSING_LESSON_CONTENT,
      ...(diagramSvg ? { diagramSvg } : {}),
      done: this.roadmap.progress.isDone(topic.id),
      reviewText: lessonReviewText(this.reviews.state(topic.id), this.reviews.now()),
      links: lessonLinks(this.roadmap.curriculum, step, topic),
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: media('lesson.js'),
      styleUri: media('lesson.css'),
      language: vscode.env.language,
    });
  }

  private async receive(entry: LessonEntry, raw: unknown): Promise<void> {
    const message = parseLessonMessage(raw);
    if (!message) {
      this.ctx.log.warn(`Ignored a message from the lesson view that is not on the accepted list: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    switch (message.type) {
      case 'markDone':
        await setDone(this.roadmap, this.ctx.log, [{ kind: 'topic', id: message.topicId, done: message.done }]);
        return;
      case 'markDoneAndNext': {
        const found = findTopic(this.roadmap.curriculum, message.topicId);
        const next = found && lessonLinks(this.roadmap.curriculum, found.step, found.topic).next;
        if (await setDone(this.roadmap, this.ctx.log, [{ kind: 'topic', id: message.topicId, done: true }])) {
          if (next) {
            await this.show(next.id, entry.panel.viewColumn);
          }
        }
        return;
      }
      case 'openTopic':
        await this.show(message.topicId, entry.panel.viewColumn);
        return;
      case 'openMilestone':
        await this.revealMilestone(message.project, message.milestone);
        return;
      case 'review':
        // The page's review line follows from the board's change event (postReview).
        await this.reviews.answer(message.topicId, message.answer);
        return;
      case 'openNotes':
        await openNotes(this.ctx, this.roadmap.curriculum, message.topicId);
        return;
    }
  }

  /** A topic's diagram, read from media/diagrams/ (where the walkthroughs show it too) to inline; undefined, logged, when it cannot be read. */
  private readDiagram(file: string): Promise<string | undefined> {
    return readFile(vscode.Uri.joinPath(this.ctx.extensionUri, ...file.split('/')).fsPath, 'utf8').catch((error: unknown) => {
      this.ctx.log.error(`Could not read the diagram ${file}`, error);
      return undefined;
    });
  }

  /** dist/lessons.json.br: the lessons' HTML and text, rendered and compressed at build time; read once, on the first lesson. */
  private loadLessons(): Promise<Readonly<Record<string, LessonContent>>> {
    // A damaged file (cut off, not Brotli, not JSON) is logged like a missing one: the lessons show without their text.
    this.lessons ??= readFile(vscode.Uri.joinPath(this.ctx.extensionUri, 'dist', 'lessons.json.br').fsPath)
      .then((packed) => JSON.parse(brotliDecompressSync(packed).toString('utf8')) as Record<string, LessonContent>)
      .catch((error: unknown) => {
        this.ctx.log.error('Could not read dist/lessons.json.br', error);
        return {};
      });
    return this.lessons;
  }
}
