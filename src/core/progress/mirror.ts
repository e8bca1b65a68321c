// The optional committable copy of the progress in the workspace, `.roadmap/progress.json`, for
// learners who keep their progress in git. It is merged both ways, never replaced: what the file
// brings (a pull, another machine) merges into the store by stamp, and the file is rewritten with
// the union, keeping records of items this roadmap does not know. The workspace is not the
// learner's alone (a cloned repository brings its own file), so:
// - only a file this learner's roadmap signed (signature.ts) merges by itself; a file that would
//   change the progress without that signature waits until the learner imports it (where verified
//   completions count as marked done), and is not written over meanwhile;
// - a file over MAX_MIRROR_BYTES, a file or `.roadmap` folder that is a symbolic link or of the
//   wrong kind, and a file that cannot be read are refused with a message, and nothing is written.
import * as l10n from '@vscode/l10n';
import { withinClockBound } from './hlc';
import { mergeMaps, type RecordMap } from './lww';
import type { ProgressStore } from './store';
import { exportJson, readProgressFile } from './transfer';
import { isRecord } from '../util/guards';
import { invalidJsonMessage } from '../util/jsonPosition';

/** The largest workspace copy read: the whole roadmap with evidence is about 20 KB. */
export const MAX_MIRROR_BYTES = 1024 * 1024;

/** What is at a path, without following a symbolic link. */
export interface EntryFacts {
  readonly kind: 'missing' | 'file' | 'folder' | 'other';
  readonly symbolicLink: boolean;
  /** In bytes; 0 for what is not a file. */
  readonly size: number;
}

/** The file, through whatever file system the workspace has. */
export interface MirrorFile {
  /** What is at the `.roadmap` folder and at the file now. */
  inspect(): Promise<{ readonly folder: EntryFacts; readonly file: EntryFacts }>;
  /** Its text, or undefined when it does not exist. */
  read(): Promise<string | undefined>;
  /** Replaces it whole (a temporary file, then a rename). */
  write(text: string): Promise<void>;
}

export type SyncOutcome =
  | { readonly kind: 'in-step'; readonly merged: number; readonly written: boolean }
  | { readonly kind: 'unreadable'; readonly problem: string }
  /** The file would change the progress but this learner's roadmap did not write it. */
  | { readonly kind: 'foreign'; readonly changes: number; readonly problem: string };

export class ProgressMirror {
  /** Records the file holds for items this roadmap does not define: kept in the file, never dropped. */
  private foreign: RecordMap = new Map();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: ProgressStore,
    private readonly file: MirrorFile,
    /** How the file is named in messages (its path). */
    private readonly name: string,
    /** The learner's signing key: the file is written signed, and merged by itself only when signed. */
    private readonly signingKey: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the file, merges it into the store, and writes the union back if it differs. One at a time. */
  sync(): Promise<SyncOutcome> {
    const run = this.queue.then(() => this.syncNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async syncNow(): Promise<SyncOutcome> {
    const refusal = await this.placeProblem();
    if (refusal) {
      return { kind: 'unreadable', problem: refusal };
    }
    const text = await this.file.read();
    let merged = 0;
    if (text !== undefined) {
      const read = this.parse(text);
      if (typeof read === 'string') {
        return { kind: 'unreadable', problem: read };
      }
      const known = new Map([...read.records].filter(([id]) => this.store.knownIds.has(id)));
      if (!read.signed) {
        const changes = this.wouldChange(known);
        if (changes > 0) {
          return {
            kind: 'foreign',
            changes,
            problem: l10n.t(
              '{0} would change {1} item(s) of your progress, but your roadmap did not write it (it comes from someone else, or was edited by hand), so it was not merged and will not be written over. Import it to take its progress (what it marks verified counts as marked done), or delete it.',
              this.name,
              changes,
            ),
          };
        }
      }
      this.foreign = new Map([...read.records].filter(([id]) => !this.store.knownIds.has(id)));
      merged = (await this.store.merge(known)).applied.length;
    }
    // The export format without a time of writing, so git diffs show only real changes.
    const desired = exportJson(mergeMaps(this.foreign, this.store.stampedEntries()), { signingKey: this.signingKey });
    if (desired === text) {
      return { kind: 'in-step', merged, written: false };
    }
    // Read again just before writing: a file changed meanwhile (a pull) is merged on the next sync, not overwritten.
    const again = await this.placeProblem();
    if (again) {
      return { kind: 'unreadable', problem: again };
    }
    if ((await this.file.read()) !== text) {
      return this.syncNow();
    }
    await this.file.write(desired);
    return { kind: 'in-step', merged, written: true };
  }

  /** How many items an unsigned file would change: records stamped after the store's (content ties are the store's). */
  private wouldChange(records: RecordMap): number {
    const now = this.now();
    let changes = 0;
    for (const [id, record] of records) {
      const mine = this.store.stampedEntries().get(id);
      if ((!mine || record.stamp > mine.stamp) && withinClockBound(record.stamp, now)) {
        changes++;
      }
    }
    return changes;
  }

  /** Why the folder or file must not be read or written, or undefined when both are what they should be. */
  private async placeProblem(): Promise<string | undefined> {
    const { folder, file } = await this.file.inspect();
    const fix = l10n.t('Nothing was read or written there; fix it, or turn off dsRoadmap.progress.keepInWorkspace.');
    const folderName = this.name.slice(0, this.name.lastIndexOf('/')) || '.roadmap';
    if (folder.symbolicLink || (folder.kind !== 'missing' && folder.kind !== 'folder')) {
      return `${
        folder.symbolicLink
          ? l10n.t('{0} is a symbolic link, so your progress would be written outside the workspace or not at all.', folderName)
          : l10n.t('{0} is not a folder, so your progress would be written outside the workspace or not at all.', folderName)
      } ${fix}`;
    }
    if (file.symbolicLink || (file.kind !== 'missing' && file.kind !== 'file')) {
      return `${file.symbolicLink ? l10n.t('{0} is a symbolic link.', this.name) : l10n.t('{0} is not a file.', this.name)} ${fix}`;
    }
    if (file.size > MAX_MIRROR_BYTES) {
      return `${l10n.t("{0} is {1} MB, more than the {2} MB a roadmap's progress can take.", this.name, (file.size / 1024 / 1024).toFixed(1), MAX_MIRROR_BYTES / 1024 / 1024)} ${fix}`;
    }
    return undefined;
  }

  /** The file's records, or what is wrong with it, in words naming the file and line. */
  private parse(text: string): ReturnType<typeof readProgressFile> | string {
    if (text.length > MAX_MIRROR_BYTES) {
      return l10n.t(
        "{0} is larger than the {1} MB a roadmap's progress can take. Nothing was read or written there.",
        this.name,
        MAX_MIRROR_BYTES / 1024 / 1024,
      );
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return l10n.t('{0}. Fix it, or delete it to have it written again from your progress.', invalidJsonMessage(text, this.name));
    }
    if (!isRecord(raw)) {
      return l10n.t('{0} is not a roadmap progress file. Fix it, or delete it to have it written again from your progress.', this.name);
    }
    const read = readProgressFile(raw, { now: this.now(), signingKey: this.signingKey });
    if (read.problems.length > 0) {
      return l10n.t('{0} cannot be read whole ({1}). Fix it, or delete it to have it written again from your progress.', this.name, read.problems.join('; '));
    }
    return read;
  }
}
