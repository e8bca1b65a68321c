// The long-lived state every adapter works with: the loaded curriculum, the progress store and the
// machine-local project records (or the reason they could not be loaded), the log, and the
// compiled templates, read on first use.
import type * as vscode from 'vscode';
import type { Curriculum } from '../core/curriculum/model';
import type { ProjectRecords } from '../core/progress/projectRecords';
import type { ProgressStore } from '../core/progress/store';
import type { ProgressView } from '../core/progress/summary';
import type { CompiledTemplate } from '../core/scaffold/template';

export interface LoadedRoadmap {
  readonly ok: true;
  readonly curriculum: Curriculum;
  readonly progress: ProgressStore;
  readonly projects: ProjectRecords;
  /** Progress and project records together, as the views read them. */
  readonly view: ProgressView;
  /** Signs the progress files this learner's roadmap writes (core/progress/signature.ts). */
  readonly signingKey: string;
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
