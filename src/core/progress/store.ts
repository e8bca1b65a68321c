// The learner's progress: one record per curriculum item, merged as a last-writer-wins map
// (lww.ts) from three places that can each lose or replace what another holds:
// - this window's journal (journal.ts), appended to before anything else changes: the commit point;
// - the other windows' journals on this machine, folded on open and on reload;
// - a compact summary in globalState, synced by Settings Sync, which replaces it whole ("remote
//   wins") and which each window rewrites whole. It is merged with on every read and write,
//   never taken as it is.
// Opening never throws on bad stored data: damaged values and files are kept aside, every
// readable record is kept, and the problems are returned once for the learner.
import * as l10n from '@vscode/l10n';
import { Emitter, type Event } from '../util/event';
import { decodeJournal, decodeStoredProgress, encodeProgress, unstamped, type Origin, type ProgressRecord, type StampBound, type StampedRecord } from './codec';
import { HybridClock, withinClockBound } from './hlc';
import { entriesText, foldJournalFiles, foldJournals, isJournalName, journalName, readJournals, type JournalDirectory, type JournalFile } from './journal';
import { changedIds, covers, mergeMaps, wins, type RecordMap } from './lww';

/** The part of vscode.Memento the store needs; tests pass an in-memory fake. */
export interface KeyValueStore {
  get(key: string): unknown;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A journal untouched this long belongs to a closed window; once folded into ours it is removed. */
export const STALE_JOURNAL_MS = 10 * 60 * 1000;
/**
 * Our journal is rewritten as a snapshot once it has this many lines, or twice as many as there
 * are records when that is more: each rewrite then pays for as many appends as it writes lines.
 */
export const COMPACT_AFTER_LINES = 1000;
/**
 * How long after a change the synced summary is written: the journal append is the durable record
 * (a crash or reload replays it), so the summary waits off the change's path, and a burst of
 * changes costs one summary write.
 */
export const SUMMARY_DELAY_MS = 100;

/** Whether a journal last modified at `modified` belongs to a closed window. */
function isStale(modified: number | undefined, now: number): boolean {
  return modified !== undefined && now - modified > STALE_JOURNAL_MS;
}

export interface ProgressStoreOptions {
  readonly key: string;
  /** Prefix of the key under which a damaged stored value is kept, followed by a time stamp. */
  readonly setAsidePrefix: string;
  /** The ids the curriculum defines; marking any other id is refused. */
  readonly knownIds: ReadonlySet<string>;
  /** This window's journals folder and id (letters, digits, `_`, `.`). */
  readonly journal: JournalDirectory;
  readonly node: string;
  readonly clock?: Clock;
  /** COMPACT_AFTER_LINES unless given (tests give a small one). */
  readonly compactAfterLines?: number;
  /** SUMMARY_DELAY_MS unless given. */
  readonly summaryDelayMs?: number;
  /** Told when a summary write made after a change fails (the change is kept: the journal holds it, and the next write retries). */
  readonly onSummaryError?: (error: unknown) => void;
}

export interface OpenResult {
  readonly store: ProgressStore;
  /** Problems found in the stored data, for the learner; empty when it was sound. */
  readonly problems: readonly string[];
  /** Key the damaged globalState value was kept under, if it was. */
  readonly setAsideKey?: string;
  /** Journal files moved aside as damaged. */
  readonly setAsideFiles: readonly string[];
}

export class UnknownProgressItemError extends Error {
  constructor(readonly itemId: string) {
    super(l10n.t('"{0}" is not a step or project of the roadmap; its progress cannot be recorded.', itemId));
    this.name = 'UnknownProgressItemError';
  }
}

/** One change to make: an item's new state, origin and evidence. */
export interface Change {
  readonly id: string;
  readonly done: boolean;
  readonly origin?: Origin;
  readonly evidence?: Readonly<Record<string, string | number>>;
  /** Keeps this time instead of now (an Undo puts back a record as it was). */
  readonly at?: string;
}

export interface MergeReport {
  /** Ids whose records the merge replaced. */
  readonly applied: readonly string[];
  /** Ids whose local record was as new or newer, so the incoming one was ignored. */
  readonly keptLocal: readonly string[];
  /** Ids whose incoming record was stamped more than a day ahead of this machine's clock (hlc.ts). */
  readonly refused: readonly string[];
}

export class ProgressStore {
  private readonly changed = new Emitter<readonly string[]>();
  /** Fires with the ids whose records changed. */
  readonly onDidChange: Event<readonly string[]> = this.changed.event;
  private readonly hlc: HybridClock;
  private readonly ownJournal: string;
  private journalLines = 0;
  /** Whether the synced summary lacks records we hold, or must be rewritten, until the next summary write. */
  private summaryStale = false;
  /**
   * The summary as VS Code handed it back after our last write, and the records it holds: VS Code
   * returns that same object until the value changes, so it need not be decoded again.
   */
  private lastSummary: { readonly raw: unknown; readonly records: RecordMap } | undefined;
  /** Operations run one at a time, so a reload never interleaves with a write of this window. */
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * `records` itself when this store alone holds that map, so a change may update it in place
   * instead of copying 1,000 records; undefined once the map was handed out or came from elsewhere.
   */
  private owned: Map<string, StampedRecord> | undefined;
  /** The summary write scheduled after a change, until it has run. */
  private pendingSummary: { readonly timer: ReturnType<typeof setTimeout>; readonly written: Promise<void> } | undefined;

  private constructor(
    private readonly storage: KeyValueStore,
    private readonly options: ProgressStoreOptions,
    private records: RecordMap,
    /** Records from elsewhere refused for their stamps (`id stamp`): refused for good (codec.ts StampBound). */
    private readonly refused: Set<string>,
  ) {
    const clock = options.clock ?? systemClock;
    this.hlc = new HybridClock(options.node, () => clock.now().getTime());
    this.ownJournal = journalName(options.node);
    this.observeAll(records);
  }

  static async open(storage: KeyValueStore, options: ProgressStoreOptions): Promise<OpenResult> {
    const opened = ProgressStore.openNow(storage, options, await readJournals(options.journal, true));
    await opened.ready;
    return opened;
  }

  /**
   * Opens over journals already read (with their modification times), without yielding to the
   * event loop: the extension reads them with the synchronous API and shows its view at once,
   * since each turn it yields while starting costs it 20–300 ms behind other extensions' work.
   * What opening writes is queued as the store's first operation, so every change and reload
   * waits behind it; `ready` settles when it is done.
   */
  static openNow(storage: KeyValueStore, options: ProgressStoreOptions, journals: readonly JournalFile[]): OpenResult & { readonly ready: Promise<void> } {
    const when = (options.clock ?? systemClock).now();
    const stamp = String(when.getTime());
    // The synced summary comes from other machines too: it is bounded by this machine's clock.
    const refused = new Set<string>();
    const raw = storage.get(options.key);
    const decoded = decodeStoredProgress(raw, { now: when.getTime(), refused });
    const setAsideKey = decoded.setAside ? `${options.setAsidePrefix}${when.toISOString()}` : undefined;
    const folded = foldJournalFiles(journals, stamp);
    const records = mergeMaps(decoded.records, folded.records);
    const store = new ProgressStore(storage, options, records, refused);
    store.summaryStale = decoded.setAside || decoded.migratedFrom !== undefined || !covers(decoded.records, records);
    const now = store.now().getTime();
    const closed = journals.some(({ name, modified }) => name !== store.ownJournal && isStale(modified, now));
    // Deferring this until after the first render let the property test find a lost toggle
    // (windows whose journals all look idle, maintained late): it is queued now, ahead of any change.
    // Records only in memory so far: those of journals set aside as damaged, and those only the summary holds.
    const ready = store.maintain(
      { key: setAsideKey, value: raw },
      folded.damaged,
      closed,
      folded.damaged.length > 0 || !covers(folded.records, decoded.records),
    );
    return {
      store,
      problems: [...decoded.problems, ...folded.problems],
      setAsideKey,
      setAsideFiles: folded.damaged.map(([, aside]) => aside),
      ready,
    };
  }

  /**
   * The rest of opening: the damaged summary kept under `setAside.key` and the damaged journals
   * moved aside; then, when a closed window's journal is to go, or records are in no journal
   * (`unjournaled`: a damaged journal was set aside, or Settings Sync brought them), our journal is
   * first rewritten as a snapshot of everything, so nothing rests on memory, on the journals
   * removed or on the summary alone; then the
   * journals of closed windows are removed, and the summary written when it lacked anything.
   * A reload with every journal in use (the usual case) writes nothing: each record stays in the
   * journal it is in, which is removed only after a snapshot like this one.
   */
  private maintain(
    setAside: { readonly key: string | undefined; readonly value: unknown },
    damaged: readonly (readonly [name: string, aside: string])[],
    closed: boolean,
    unjournaled: boolean,
  ): Promise<void> {
    if (!setAside.key && damaged.length === 0 && !closed && !(unjournaled && this.records.size > 0) && !this.summaryStale) {
      return Promise.resolve(); // Nothing to write.
    }
    return this.serialized(async () => {
      if (setAside.key) {
        await this.storage.update(setAside.key, setAside.value);
      }
      for (const [name, aside] of damaged) {
        // Failing only when another window opening at the same moment moved it aside first, or when
        // it cannot be moved now: its records are in ours (the snapshot below), and a later opening tries again.
        await this.options.journal.rename(name, aside).catch(() => undefined);
      }
      const now = this.now().getTime();
      if (this.records.size > 0 && (closed || unjournaled)) {
        await this.options.journal.replace(this.ownJournal, entriesText(this.records));
        this.journalLines = this.records.size;
      }
      if (closed) {
        await this.removeStaleJournals(await this.options.journal.list(), now);
      }
      if (this.summaryStale) {
        await this.writeSummary();
      }
    });
  }

  /** The ids the curriculum defines. */
  get knownIds(): ReadonlySet<string> {
    return this.options.knownIds;
  }

  get(id: string): ProgressRecord | undefined {
    const record = this.records.get(id);
    return record && unstamped(record);
  }

  isDone(id: string): boolean {
    return this.records.get(id)?.state === 'done';
  }

  /** Every record, including those of ids the current curriculum no longer has (kept, never dropped). */
  entries(): ReadonlyMap<string, ProgressRecord> {
    return new Map([...this.records].map(([id, record]) => [id, unstamped(record)] as const));
  }

  /** Every record with its stamp, for export. */
  stampedEntries(): RecordMap {
    this.owned = undefined; // The caller may keep it: the next change copies it first.
    return this.records;
  }

  /** Marks one item done or not done. Refuses ids the curriculum does not define. */
  async setDone(id: string, done: boolean, origin: Origin = 'self-reported', evidence?: Readonly<Record<string, string | number>>): Promise<void> {
    await this.apply([{ id, done, origin, evidence }]);
  }

  /**
   * Makes several changes as one write. Returns the records they replaced (undefined for items
   * that had none), which an Undo hands back to `restore`.
   */
  apply(changes: readonly Change[]): Promise<Map<string, ProgressRecord | undefined>> {
    const unknown = changes.find((change) => !this.options.knownIds.has(change.id));
    if (unknown) {
      return Promise.reject(new UnknownProgressItemError(unknown.id));
    }
    return this.serialized(async () => {
      const now = this.now().toISOString();
      const before = new Map(changes.map((change) => [change.id, this.get(change.id)] as const));
      const next = new Map<string, StampedRecord>();
      for (const { id, done, origin = 'self-reported', evidence, at = now } of changes) {
        const stamp = this.hlc.tick();
        next.set(id, evidence ? { state: done ? 'done' : 'not-done', at, origin, evidence, stamp } : { state: done ? 'done' : 'not-done', at, origin, stamp });
      }
      await this.commit(next);
      return before;
    });
  }

  /** Puts back records as `apply` returned them (an Undo): each with a new stamp, so it wins. */
  restore(previous: ReadonlyMap<string, ProgressRecord | undefined>): Promise<Map<string, ProgressRecord | undefined>> {
    return this.apply(
      [...previous].map(([id, record]) =>
        record ? { id, done: record.state === 'done', origin: record.origin, evidence: record.evidence, at: record.at } : { id, done: false },
      ),
    );
  }

  /** Marks every item that is done, or every one of `ids` that is, as not done. Records stay, so when it happened is kept. */
  async reset(ids?: readonly string[]): Promise<Map<string, ProgressRecord | undefined>> {
    const scope = ids ?? [...this.records.keys()];
    const done = scope.filter((id) => this.isDone(id) && this.options.knownIds.has(id));
    return done.length > 0 ? this.apply(done.map((id) => ({ id, done: false }))) : new Map();
  }

  /**
   * Merges records from elsewhere (an import, the workspace copy): each is taken only where it is
   * newer than the local one, so nothing newer here is lost, and never when it is stamped more than
   * a day ahead of this machine's clock, so nothing from elsewhere can outrank what the learner
   * does here next. Records of unknown ids must be filtered out first.
   */
  merge(incoming: RecordMap): Promise<MergeReport> {
    return this.serialized(async () => {
      const applied = new Map<string, StampedRecord>();
      const keptLocal: string[] = [];
      const refused: string[] = [];
      const now = this.now().getTime();
      for (const [id, record] of incoming) {
        const key = `${id} ${record.stamp}`;
        if (!withinClockBound(record.stamp, now) || this.refused.has(key)) {
          this.refused.add(key);
          refused.push(id);
        } else if (covers(this.records, new Map([[id, record]]))) {
          keptLocal.push(id);
        } else {
          applied.set(id, record);
        }
      }
      if (applied.size > 0) {
        // Later changes here must order after what came in, even from a clock ahead of ours.
        this.observeAll(applied);
        await this.commit(applied);
      }
      return { applied: [...applied.keys()], keptLocal, refused };
    });
  }

  /**
   * Re-reads the synced summary and every window's journal (after Settings Sync replaced the
   * summary, or another window wrote); fires for what changed, and writes back to the summary
   * whatever it was missing.
   */
  reload(): Promise<readonly string[]> {
    return this.serialized(async () => {
      const decoded = decodeStoredProgress(this.storage.get(this.options.key), this.bound());
      const folded = await foldJournals(this.options.journal, String(this.now().getTime()));
      const next = mergeMaps(this.records, decoded.records, folded.records);
      // What only the summary holds (another machine's, through Settings Sync) goes into our
      // journal too, so a stale summary written by another window cannot take it away again.
      const onlyInSummary = [...next].filter(
        ([id, record]) => decoded.records.get(id)?.stamp === record.stamp && folded.records.get(id)?.stamp !== record.stamp,
      );
      if (onlyInSummary.length > 0) {
        await this.options.journal.append(this.ownJournal, entriesText(onlyInSummary));
        this.journalLines += onlyInSummary.length;
      }
      const changed = changedIds(this.records, next);
      this.records = next;
      this.observeAll(next);
      // A summary holding what was refused (stamped too far ahead) or unreadable is written over
      // now, not at the next change: a change's write waits, and another window must not read it.
      if (decoded.problems.length > 0 || !covers(decoded.records, next)) {
        await this.writeSummary();
      }
      if (changed.length > 0) {
        this.changed.fire(changed);
      }
      return changed;
    });
  }

  /**
   * Writes the summary now when a change left it to write later (and compacts the journal when it
   * is due); resolves once it is written, rejects when the write fails.
   */
  flush(): Promise<void> {
    if (this.pendingSummary) {
      clearTimeout(this.pendingSummary.timer);
      this.pendingSummary = undefined;
    }
    return this.serialized(() => this.writeLater());
  }

  /** Starts the pending summary write at once; the journal already holds what it would carry. */
  dispose(): void {
    if (this.pendingSummary) {
      this.flush().catch((error: unknown) => this.options.onSummaryError?.(error));
    }
    this.changed.dispose();
  }

  /**
   * The journal first (the commit point), then memory and the change's listeners; the synced
   * summary is written SUMMARY_DELAY_MS later, off the change's path (reload replays the journal
   * when a crash comes first).
   */
  private async commit(next: ReadonlyMap<string, StampedRecord>): Promise<void> {
    await this.options.journal.append(this.ownJournal, entriesText(next));
    this.journalLines += next.size;
    // Merged in place: only the ids of the change can change, and nothing else holds the map.
    const records = this.writableRecords();
    const changed: string[] = [];
    for (const [id, record] of next) {
      const current = records.get(id);
      if (!current || wins(record, current)) {
        records.set(id, record);
        changed.push(id);
      }
    }
    this.summaryStale = true;
    this.scheduleSummary();
    if (changed.length > 0) {
      this.changed.fire(changed);
    }
  }

  private writableRecords(): Map<string, StampedRecord> {
    if (this.owned !== this.records) {
      this.owned = new Map(this.records);
      this.records = this.owned;
    }
    return this.owned;
  }

  private scheduleSummary(): void {
    if (this.pendingSummary) {
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const written = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.summaryDelayMs ?? SUMMARY_DELAY_MS);
    }).then(() => {
      if (this.pendingSummary?.written === written) {
        this.pendingSummary = undefined;
        return this.serialized(() => this.writeLater());
      }
      return undefined;
    });
    written.catch((error: unknown) => this.options.onSummaryError?.(error));
    // A pending write never keeps a process alive: the journal holds what it would write.
    (timer as { unref?: () => void } | undefined)?.unref?.();
    this.pendingSummary = { timer: timer as ReturnType<typeof setTimeout>, written };
  }

  /** What a change leaves for later: the summary, when nothing wrote it since, and a journal grown long rewritten as a snapshot. */
  private async writeLater(): Promise<void> {
    if (this.summaryStale) {
      await this.writeSummary();
    }
    if (this.journalLines > Math.max(this.options.compactAfterLines ?? COMPACT_AFTER_LINES, 2 * this.records.size)) {
      await this.options.journal.replace(this.ownJournal, entriesText(this.records));
      this.journalLines = this.records.size;
    }
  }

  /** globalState is rewritten whole: merge with what it holds now, never replace it blindly. */
  private async writeSummary(): Promise<void> {
    const raw = this.storage.get(this.options.key);
    // What is stamped too far ahead is left out, so the learner's records replace it in the copy that syncs.
    const current = raw !== undefined && raw === this.lastSummary?.raw ? this.lastSummary.records : decodeStoredProgress(raw, this.bound()).records;
    const merged = mergeMaps(this.records, current);
    const written = this.storage.update(this.options.key, encodeProgress(merged));
    // VS Code keeps its copy before update returns; read it now, before another window's value can land.
    const copy = this.storage.get(this.options.key);
    // Kept apart from `records`, which the next change updates in place.
    const kept = merged === this.records ? new Map(merged) : merged;
    await written;
    this.lastSummary = { raw: copy, records: kept };
    this.summaryStale = false;
  }

  private async isStale(name: string, now: number): Promise<boolean> {
    return isStale(await this.options.journal.modified(name), now);
  }

  /**
   * A journal untouched for STALE_JOURNAL_MS belongs to a closed window: it is renamed first (a
   * late append then starts a new file rather than landing in one about to go), read again, what
   * it adds is journaled as ours, and only then is it removed.
   */
  private async removeStaleJournals(journals: readonly string[], now: number): Promise<void> {
    for (const name of journals) {
      if (name === this.ownJournal || !isJournalName(name)) {
        continue;
      }
      if (!(await this.isStale(name, now))) {
        continue;
      }
      // One that a window was folding when it closed is folded as it is.
      const folding = name.includes('.folding-') ? name : `${name}.folding-${this.options.node}`;
      if (folding !== name) {
        try {
          await this.options.journal.rename(name, folding);
        } catch {
          continue; // Another window is folding it.
        }
      }
      const decoded = decodeJournal((await this.options.journal.read(folding)) ?? '');
      const added = new Map(
        decoded.entries.filter(({ id, record }) => !covers(this.records, new Map([[id, record]]))).map(({ id, record }) => [id, record] as const),
      );
      if (added.size > 0) {
        await this.options.journal.append(this.ownJournal, entriesText(added));
        this.records = mergeMaps(this.records, added);
      }
      await this.options.journal.remove(folding);
    }
  }

  /** Observes the greatest stamp only: stamps are fixed-width, so the greatest string is the latest stamp. */
  private observeAll(records: RecordMap): void {
    let latest = '';
    for (const record of records.values()) {
      if (record.stamp > latest) {
        latest = record.stamp;
      }
    }
    this.hlc.observe(latest);
  }

  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private bound(): StampBound {
    return { now: this.now().getTime(), refused: this.refused };
  }

  private now(): Date {
    return (this.options.clock ?? systemClock).now();
  }
}
