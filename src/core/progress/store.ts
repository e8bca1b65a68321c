// The learner's progress: one record per curriculum item, kept under one versioned key of a
// Memento-like store. Opening never throws on a bad stored value: it keeps that value aside
// under its own key and carries on with every record it could read.
import { Emitter, type Event } from '../util/event';
import { decodeStoredProgress, encodeProgress, type Origin, type ProgressRecord } from './codec';

/** The part of vscode.Memento the store needs; tests pass an in-memory fake. */
export interface KeyValueStore {
  get(key: string): unknown;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface ProgressStoreOptions {
  readonly key: string;
  /** Prefix of the key under which a damaged stored value is kept, followed by a time stamp. */
  readonly setAsidePrefix: string;
  /** The ids the curriculum defines; marking any other id is refused. */
  readonly knownIds: ReadonlySet<string>;
  readonly clock?: Clock;
}

export interface OpenResult {
  readonly store: ProgressStore;
  /** Problems found in the stored value, for the learner; empty when it was sound. */
  readonly problems: readonly string[];
  /** Key the damaged value was kept under, if it was. */
  readonly setAsideKey?: string;
}

export class UnknownProgressItemError extends Error {
  constructor(readonly itemId: string) {
    super(`"${itemId}" is not a step or project of the roadmap; its progress cannot be recorded.`);
    this.name = 'UnknownProgressItemError';
  }
}

export class ProgressStore {
  private readonly changed = new Emitter<readonly string[]>();
  /** Fires with the ids whose records changed. */
  readonly onDidChange: Event<readonly string[]> = this.changed.event;

  private constructor(
    private readonly storage: KeyValueStore,
    private readonly options: ProgressStoreOptions,
    private records: ReadonlyMap<string, ProgressRecord>,
  ) {}

  static async open(storage: KeyValueStore, options: ProgressStoreOptions): Promise<OpenResult> {
    const raw = storage.get(options.key);
    const decoded = decodeStoredProgress(raw);
    const store = new ProgressStore(storage, options, decoded.records);
    let setAsideKey: string | undefined;
    if (decoded.setAside) {
      setAsideKey = `${options.setAsidePrefix}${store.now()}`;
      await storage.update(setAsideKey, raw);
    }
    if (decoded.setAside || decoded.migratedFrom !== undefined) {
      await storage.update(options.key, encodeProgress(decoded.records));
    }
    return { store, problems: decoded.problems, setAsideKey };
  }

  get(id: string): ProgressRecord | undefined {
    return this.records.get(id);
  }

  isDone(id: string): boolean {
    return this.records.get(id)?.state === 'done';
  }

  /** Every record, including those of ids the current curriculum no longer has (kept, never dropped). */
  entries(): ReadonlyMap<string, ProgressRecord> {
    return this.records;
  }

  /** Marks one item done or not done. Refuses ids the curriculum does not define. */
  async setDone(
    id: string,
    done: boolean,
    origin: Origin = 'self-reported',
    evidence?: Readonly<Record<string, string | number>>,
  ): Promise<void> {
    if (!this.options.knownIds.has(id)) {
      throw new UnknownProgressItemError(id);
    }
    const record: ProgressRecord = evidence
      ? { state: done ? 'done' : 'not-done', at: this.now(), origin, evidence }
      : { state: done ? 'done' : 'not-done', at: this.now(), origin };
    await this.write(new Map([...this.records, [id, record]]), [id]);
  }

  /** Marks every item that is done as not done; records stay, so when it happened is kept. */
  async reset(): Promise<readonly string[]> {
    const at = this.now();
    const ids = [...this.records].filter(([, record]) => record.state === 'done').map(([id]) => id);
    const next = new Map(this.records);
    for (const id of ids) {
      next.set(id, { state: 'not-done', at, origin: 'self-reported' });
    }
    await this.write(next, ids);
    return ids;
  }

  /** Re-reads the stored value (e.g. after Settings Sync replaced it); fires for what changed. */
  reload(): readonly string[] {
    const decoded = decodeStoredProgress(this.storage.get(this.options.key));
    const ids = new Set([...this.records.keys(), ...decoded.records.keys()]);
    const changed = [...ids].filter((id) => !sameRecord(this.records.get(id), decoded.records.get(id)));
    this.records = decoded.records;
    if (changed.length > 0) {
      this.changed.fire(changed);
    }
    return changed;
  }

  dispose(): void {
    this.changed.dispose();
  }

  private async write(next: ReadonlyMap<string, ProgressRecord>, changedIds: readonly string[]): Promise<void> {
    // Memory follows the stored value: if the write fails, nothing changed.
    await this.storage.update(this.options.key, encodeProgress(next));
    this.records = next;
    if (changedIds.length > 0) {
      this.changed.fire(changedIds);
    }
  }

  private now(): string {
    return (this.options.clock ?? systemClock).now().toISOString();
  }
}

function sameRecord(a: ProgressRecord | undefined, b: ProgressRecord | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
