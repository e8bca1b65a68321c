// The lesson view: one webview panel per editor column, reused when another lesson opens there.
// Strict CSP with a fresh nonce per render, resources only from the extension's media, and only
// the messages of parseLessonMessage accepted from the page.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { WebviewTypes } from '../constants';
import { findTopic } from '../core/curriculum/model';
import { lessonLinks, parseLessonMessage, renderLessonPage, type LessonContent } from '../core/lesson/page';
import { setDone } from '../progress/actions';
import type { LoadedRoadmap, RoadmapContext } from '../roadmap/roadmap';

export class LessonPanels implements vscode.Disposable {
  private readonly panels = new Map<vscode.ViewColumn, { panel: vscode.WebviewPanel; topicId: string }>();
  private lessons: Promise<Readonly<Record<string, LessonContent>>> | undefined;
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly ctx: RoadmapContext,
    private readonly roadmap: LoadedRoadmap,
    private readonly revealMilestone: (project: string, milestone: string) => Promise<void>,
  ) {
    // Keep open lessons' "done" state in step with the tree and other windows.
    this.subscription = roadmap.onDidChange(({ progressIds }) => {
      for (const entry of this.panels.values()) {
        if (progressIds.includes(entry.topicId)) {
          void this.render(entry.panel, entry.topicId);
        }
      }
    });
  }

  /** Opens a topic's lesson in the active column, reusing that column's lesson panel. */
  async show(topicId: string, column: vscode.ViewColumn = vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.One): Promise<vscode.WebviewPanel> {
    const found = findTopic(this.roadmap.curriculum, topicId);
    if (!found) {
      throw new Error(vscode.l10n.t('"{0}" is not a topic of the roadmap.', topicId));
    }
    let entry = this.panels.get(column);
    if (!entry) {
      const panel = vscode.window.createWebviewPanel(WebviewTypes.lesson, found.topic.title, column, {
        enableScripts: true,
        enableFindWidget: true,
        localResourceRoots: [vscode.Uri.joinPath(this.ctx.extensionUri, 'media')],
      });
      panel.iconPath = vscode.Uri.joinPath(this.ctx.extensionUri, 'media', 'activity-bar.svg');
      entry = { panel, topicId };
      this.panels.set(column, entry);
      panel.onDidDispose(() => this.panels.delete(column));
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(panel, message));
    }
    entry.topicId = topicId;
    entry.panel.title = found.topic.title;
    await this.render(entry.panel, topicId);
    entry.panel.reveal(column);
    return entry.panel;
  }

  /** The topic shown in each open lesson panel, for tests and the walkthrough. */
  openTopics(): string[] {
    return [...this.panels.values()].map((entry) => entry.topicId);
  }

  dispose(): void {
    this.subscription.dispose();
    for (const entry of this.panels.values()) {
      entry.panel.dispose();
    }
    this.panels.clear();
  }

  private async render(panel: vscode.WebviewPanel, topicId: string): Promise<void> {
    const found = findTopic(this.roadmap.curriculum, topicId);
    if (!found) {
      return;
    }
    const { step, topic } = found;
    const webview = panel.webview;
    const media = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.ctx.extensionUri, 'media', name)).toString();
    const lessons = await this.loadLessons();
    panel.webview.html = renderLessonPage({
      step,
      stepNumber: this.roadmap.curriculum.steps.indexOf(step) + 1,
      topic,
      content: lessons[topic.id] ?? { html: '' },
      done: this.roadmap.progress.isDone(topic.id),
      links: lessonLinks(this.roadmap.curriculum, step, topic),
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: media('lesson.js'),
      styleUri: media('lesson.css'),
    });
  }

  private async receive(panel: vscode.WebviewPanel, raw: unknown): Promise<void> {
    const message = parseLessonMessage(raw);
    if (!message) {
      this.ctx.log.warn(`Ignored a message from the lesson view that is not on the accepted list: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    switch (message.type) {
      case 'markDone':
        await setDone(this.roadmap, this.ctx.log, [{ kind: 'topic', id: message.topicId, done: message.done }]);
        return;
      case 'openTopic':
        await this.show(message.topicId, panel.viewColumn);
        return;
      case 'openMilestone':
        await this.revealMilestone(message.project, message.milestone);
        return;
    }
  }

  /** dist/lessons.json: the lessons' HTML, rendered at build time; read once, on the first lesson. */
  private loadLessons(): Promise<Readonly<Record<string, LessonContent>>> {
    this.lessons ??= readFile(vscode.Uri.joinPath(this.ctx.extensionUri, 'dist', 'lessons.json').fsPath, 'utf8').then(
      (text) => JSON.parse(text) as Record<string, LessonContent>,
      (error: unknown) => {
        this.ctx.log.error('Could not read dist/lessons.json', error);
        return {};
      },
    );
    return this.lessons;
  }
}
