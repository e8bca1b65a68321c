// Each window appends its changes to its own journal file; reading folds every journal. Appends
// from different windows never touch the same file, so none can overwrite another's, and a crash
// can cut off at most the line being written. Whole-file writes go to a temporary file first and
// are renamed over the target, so a reader sees the old file or the new one, never half of one.
import * as l10n from '@vscode/l10n';
import { decodeJournal, encodeJournalLine, type StampedRecord } from './codec';
import { mergeMaps, mergeRecord, type RecordMap } from './lww';

/** The folder that holds the journals (the extension's globalStorageUri); tests use memory. */
export interface JournalDirectory {
  /** Names of the files in the folder; empty when the folder does not exist yet. */
  list(): Promise<string[]>;
  /** A file's text, or undefined when it does not exist. */
  read(name: string): Promise<string | undefined>;
  append(name: string, text: string): Promise<void>;
  /** Writes a whole file atomically: a temporary file, then a rename over `name`. */
  replace(name: string, text: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(name: string): Promise<void>;
  /** Last modification, in milliseconds since the epoch; undefined when the file is gone. */
  modified(name: string): Promise<number | undefined>;
}

/** A window's journal, or one being folded away by another window (`.folding-<node>`). */
const JOURNAL = /^journal-[A-Za-z0-9_.]{1,40}\.jsonl(\.folding-[A-Za-z0-9_.]{1,40})?$/;

export function journalName(node: string): string {
  return `journal-${node}.jsonl`;
}

export function isJournalName(name: string): boolean {
  return JOURNAL.test(name);
}

/** A journal as read at one moment: its text, and when it was last modified (undefined when unknown). */
export interface JournalFile {
  readonly name: string;
  readonly text: string;
  readonly modified?: number;
}

export interface FoldResult {
  readonly records: RecordMap;
  /** One line per damaged journal, for the learner and the log. */
  readonly problems: string[];
  /** Names the damaged journals were moved to. */
  readonly setAside: string[];
  readonly journals: string[];
}

/** What folding journals already read yields: the damaged ones are still to be moved aside, `[name, aside]`. */
export interface FoldedFiles extends Omit<FoldResult, 'setAside'> {
  readonly damaged: readonly (readonly [name: string, aside: string])[];
}

/**
 * Every journal of the folder, with its text and, when `withModified`, its modification time; in
 * name order. A journal removed since it was listed is left out: its records were folded elsewhere first.
 */
export async function readJournals(dir: JournalDirectory, withModified = false): Promise<JournalFile[]> {
  const files: JournalFile[] = [];
  for (const name of (await dir.list()).filter(isJournalName).sort()) {
    const text = await dir.read(name);
    if (text !== undefined) {
      files.push(withModified ? { name, text, modified: await dir.modified(name) } : { name, text });
    }
  }
  return files;
}

/**
 * Folds every journal of the folder. A journal with unreadable lines is moved aside to
 * `<name>.corrupt-<stamp>` (its bytes kept) after its readable lines are taken; a torn last line,
 * which a crash leaves, is dropped quietly.
 */
export async function foldJournals(dir: JournalDirectory, stamp: string): Promise<FoldResult> {
  const { damaged, ...folded } = foldJournalFiles(await readJournals(dir), stamp);
  for (const [name, aside] of damaged) {
    await dir.rename(name, aside);
  }
  return { ...folded, setAside: damaged.map(([, aside]) => aside) };
}

/** foldJournals over journals already read, writing nothing: the damaged ones are named, to be moved aside by the caller. */
export function foldJournalFiles(files: readonly JournalFile[], stamp: string): FoldedFiles {
  const maps: RecordMap[] = [];
  const problems: string[] = [];
  const damaged: [string, string][] = [];
  for (const { name, text } of files) {
    const decoded = decodeJournal(text);
    // Lines are merged, not taken last-wins: a journal also holds records copied from elsewhere.
    const map = new Map<string, StampedRecord>();
    for (const { id, record } of decoded.entries) {
      map.set(id, mergeRecord(map.get(id), record) ?? record);
    }
    maps.push(map);
    if (decoded.problems.length > 0) {
      const aside = `${name}.corrupt-${stamp}`;
      damaged.push([name, aside]);
      const shown = decoded.problems.slice(0, 3).join('; ');
      const more = decoded.problems.length > 3 ? l10n.t(' and {0} more', decoded.problems.length - 3) : '';
      problems.push(l10n.t('{0} has unreadable lines ({1}{2}); kept as {3}', name, shown, more, aside));
    }
  }
  // Each map is this fold's own: the first is taken as it is rather than copied.
  return { records: mergeMaps(...maps), problems, damaged, journals: files.map(({ name }) => name) };
}

/** Journal lines for records: a whole snapshot, or the entries of one change. */
export function entriesText(entries: Iterable<readonly [string, StampedRecord]>): string {
  let text = '';
  for (const [id, record] of entries) {
    text += encodeJournalLine(id, record);
  }
  return text;
}
