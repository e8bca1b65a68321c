// The long-lived state every adapter works with: the loaded curriculum and progress store, or
// the reason they could not be loaded, plus the log.
import type * as vscode from 'vscode';
import type { Curriculum } from './core/curriculum/model';
import type { ProgressStore } from './core/progress/store';

export type Roadmap =
  | { readonly ok: true; readonly curriculum: Curriculum; readonly progress: ProgressStore }
  | { readonly ok: false; readonly reason: string };

export interface RoadmapContext {
  readonly roadmap: Roadmap;
  readonly log: vscode.LogOutputChannel;
}
