// The optional committable copy of the progress in the workspace, `.roadmap/progress.json`, for
// learners who keep their progress in git. It is merged both ways, never replaced: what the file
// brings (a pull, another machine) merges into the store by stamp, and the file is rewritten with
// the union, keeping records of items this roadmap does not know. A file that cannot be read is
// never written over: the learner is told where it breaks, and the copy waits until it is fixed.
import { decodeStoredProgress, type StampedRecord } from './codec';
import { mergeMaps, type RecordMap } from './lww';
import type { ProgressStore } from './store';
import { exportJson } from './transfer';
import { invalidJsonMessage } from '../util/jsonPosition';

/** The file, through whatever file system the workspace has. */
export interface MirrorFile {
  /** Its text, or undefined when it does not exist. */
  read(): Promise<string | undefined>;
  /** Replaces it whole (a temporary file, then a rename). */
  write(text: string): Promise<void>;
}

export type SyncOutcome =
  | { readonly kind: 'in-step'; readonly merged: number; readonly written: boolean }
  | { readonly kind: 'unreadable'; readonly problem: string };

export class ProgressMirror {
  /** Records the file holds for items this roadmap does not define: kept in the file, never dropped. */
  private foreign: RecordMap = new Map();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: ProgressStore,
    private readonly file: MirrorFile,
    /** How the file is named in messages (its path). */
    private readonly name: string,
  ) {}

  /** Reads the file, merges it into the store, and writes the union back if it differs. One at a time. */
  sync(): Promise<SyncOutcome> {
    const run = this.queue.then(() => this.syncNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async syncNow(): Promise<SyncOutcome> {
    const text = await this.file.read();
    let merged = 0;
    if (text !== undefined) {
      const read = this.parse(text);
      if (typeof read === 'string') {
        return { kind: 'unreadable', problem: read };
      }
      const known = new Map([...read].filter(([id]) => this.store.knownIds.has(id)));
      this.foreign = new Map([...read].filter(([id]) => !this.store.knownIds.has(id)));
      merged = (await this.store.merge(known)).applied.length;
    }
    // The export format without a time of writing, so git diffs show only real changes.
    const desired = exportJson(mergeMaps(this.foreign, this.store.stampedEntries()));
    if (desired === text) {
      return { kind: 'in-step', merged, written: false };
    }
    // Read again just before writing: a file changed meanwhile (a pull) is merged on the next sync, not overwritten.
    if ((await this.file.read()) !== text) {
      return this.syncNow();
    }
    await this.file.write(desired);
    return { kind: 'in-step', merged, written: true };
  }

  /** The file's records, or what is wrong with it, in words naming the file and line. */
  private parse(text: string): Map<string, StampedRecord> | string {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return `${invalidJsonMessage(text, this.name)}. Fix it, or delete it to have it written again from your progress.`;
    }
    const decoded = decodeStoredProgress(raw);
    if (decoded.problems.length > 0) {
      return `${this.name} cannot be read whole (${decoded.problems.join('; ')}). Fix it, or delete it to have it written again from your progress.`;
    }
    return decoded.records;
  }
}
