// The loaded roadmap every adapter works with: the curriculum, the progress store and the
// machine-local project records (or the reason they could not be loaded), read together through
// one ProgressView and watched through one change event; and the context the commands run in.
import type * as vscode from 'vscode';
import type { Curriculum } from '../core/curriculum/model';
import type { CheckRecord, ProjectRecords, ScaffoldRecord } from '../core/progress/projectRecords';
import type { ProgressRecord } from '../core/progress/codec';
import type { ProgressStore } from '../core/progress/store';
import type { ProgressView } from '../core/progress/summary';
import type { CompiledTemplate } from '../core/scaffold/template';
import { Emitter, type Disposable, type Event } from '../core/util/event';

/** What changed in the loaded roadmap. */
export interface RoadmapChange {
  /** Ids whose progress records changed; empty when only the project records did. */
  readonly progressIds: readonly string[];
  /** Whether the machine-local project records (scaffolds, checks) changed. */
  readonly projects: boolean;
}

/** The curriculum with the learner's progress and project records; itself the ProgressView the summaries read. */
export class LoadedRoadmap implements ProgressView, Disposable {
  readonly ok = true;
  private readonly changed = new Emitter<RoadmapChange>();
  /** Fires after the progress store or the project records changed, whichever it was. */
  readonly onDidChange: Event<RoadmapChange> = this.changed.event;
  private readonly subscriptions: Disposable[];

  constructor(
    readonly curriculum: Curriculum,
    readonly progress: ProgressStore,
    readonly projects: ProjectRecords,
    /** Signs the progress files this learner's roadmap writes (core/progress/signature.ts). */
    readonly signingKey: string,
  ) {
    this.subscriptions = [
      progress.onDidChange((ids) => this.changed.fire({ progressIds: ids, projects: false })),
      projects.onDidChange(() => this.changed.fire({ progressIds: [], projects: true })),
    ];
  }

  isDone(id: string): boolean {
    return this.progress.isDone(id);
  }

  get(id: string): ProgressRecord | undefined {
    return this.progress.get(id);
  }

  lastCheck(key: string): CheckRecord | undefined {
    return this.projects.lastCheck(key);
  }

  scaffold(projectId: string): ScaffoldRecord | undefined {
    return this.projects.scaffold(projectId);
  }

  dispose(): void {
    this.subscriptions.forEach((subscription) => subscription.dispose());
    this.changed.dispose();
  }
}

export type Roadmap = LoadedRoadmap | { readonly ok: false; readonly reason: string };

export interface RoadmapContext {
  readonly roadmap: Roadmap;
  readonly log: vscode.LogOutputChannel;
  readonly extensionUri: vscode.Uri;
  /** Folder for scratch files of this extension (test reports). */
  readonly scratchDir: string;
  /** The compiled step-6 templates (dist/templates.json), loaded once on first use. */
  templates(): Promise<readonly CompiledTemplate[]>;
}
