// Stands in for the lesson panels until one is needed: the first lesson opened, or a lesson open at
// the last shutdown coming back. Only then is dist/lessons.js loaded and the panels made.
import type * as vscode from 'vscode';
import type * as Lessons from './index';

type PanelsArguments = ConstructorParameters<typeof Lessons.LessonPanels>;

export class LazyLessonPanels implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private panels: Lessons.LessonPanels | undefined;

  constructor(private readonly panelsArguments: PanelsArguments) {}

  /** Opens a topic's lesson (LessonPanels.show). */
  show(topicId: string, column?: vscode.ViewColumn): Promise<vscode.WebviewPanel> {
    return this.loaded().show(topicId, column);
  }

  /** The topics of the open lessons: none before the first one opened. */
  openTopics(): string[] {
    return this.panels?.openTopics() ?? [];
  }

  deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    return this.loaded().deserializeWebviewPanel(panel, state);
  }

  dispose(): void {
    this.panels?.dispose();
  }

  private loaded(): Lessons.LessonPanels {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (this.panels ??= new (require('./lessons.js') as typeof Lessons).LessonPanels(...this.panelsArguments));
  }
}
