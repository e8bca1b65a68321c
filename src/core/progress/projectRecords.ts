// Machine-local facts about step-6 projects: where each was scaffolded and the last check of each
// milestone. Kept apart from the synced progress because folders differ between machines. Every
// window of the machine shares the stored value, which VS Code rewrites whole: it is read again
// and merged entry by entry (the later `at` wins) before each write, never replaced blindly.
import type { KeyValueStore } from './store';
import { Emitter, type Event } from '../util/event';

export interface ScaffoldRecord {
  /** The folder's Uri, as a string. */
  readonly folder: string;
  readonly at: string;
}

export interface CheckRecord {
  readonly at: string;
  /** 'unverified': nothing failed, but tests did not run (no Docker engine, no cluster): not evidence. */
  readonly outcome: 'passed' | 'failed' | 'crashed' | 'unverified';
  /** One line: "14 tests passed", "2 of 14 tests failed", the crash reason. */
  readonly summary: string;
  readonly failures?: readonly string[];
  /** The tests that did not run, each with its reason ("live run: no Docker engine answered"). */
  readonly notRun?: readonly string[];
  /** Failed checks in a row up to this one (decides which hints show). */
  readonly failedInARow?: number;
}

interface StoredProjectRecords {
  readonly version: 1;
  readonly scaffolds: Record<string, ScaffoldRecord>;
  readonly checks: Record<string, CheckRecord>;
}

export class ProjectRecords {
  private readonly changed = new Emitter<void>();
  readonly onDidChange: Event<void> = this.changed.event;
  private value: StoredProjectRecords;
  /** The stored value last merged into `value`. */
  private merged: unknown;

  constructor(
    private readonly storage: KeyValueStore,
    private readonly key: string,
  ) {
    this.merged = storage.get(key);
    this.value = readRecords(this.merged);
  }

  scaffold(projectId: string): ScaffoldRecord | undefined {
    return this.current().scaffolds[projectId];
  }

  lastCheck(key: string): CheckRecord | undefined {
    return this.current().checks[key];
  }

  async recordScaffold(projectId: string, record: ScaffoldRecord): Promise<void> {
    const value = this.current();
    await this.write({ ...value, scaffolds: { ...value.scaffolds, [projectId]: record } });
  }

  async recordCheck(key: string, record: CheckRecord): Promise<void> {
    const value = this.current();
    await this.write({ ...value, checks: { ...value.checks, [key]: record } });
  }

  dispose(): void {
    this.changed.dispose();
  }

  /**
   * What this window holds, merged with what the storage holds now (another window may have
   * written). The tree asks for every milestone's record at each refresh: a stored value already
   * merged (VS Code hands back the same object until it changes) is not read again.
   */
  private current(): StoredProjectRecords {
    const raw = this.storage.get(this.key);
    if (raw !== this.merged) {
      const stored = readRecords(raw);
      this.value = { version: 1, scaffolds: latest(this.value.scaffolds, stored.scaffolds), checks: latest(this.value.checks, stored.checks) };
      this.merged = raw;
    }
    return this.value;
  }

  private async write(next: StoredProjectRecords): Promise<void> {
    const written = this.storage.update(this.key, next);
    // VS Code keeps its copy of `next` before update returns: that copy needs no merging later.
    const copy = this.storage.get(this.key);
    await written;
    this.value = next;
    this.merged = copy;
    this.changed.fire();
  }
}

/** Per entry, the record with the later time. */
function latest<T extends { readonly at: string }>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>): Record<string, T> {
  const result: Record<string, T> = { ...a };
  for (const [id, record] of Object.entries(b)) {
    const mine = result[id];
    if (!mine || record.at > mine.at) {
      result[id] = record;
    }
  }
  return result;
}

/** Anything unreadable is dropped: these records are conveniences, re-made by the next scaffold or check. */
function readRecords(raw: unknown): StoredProjectRecords {
  const empty: StoredProjectRecords = { version: 1, scaffolds: {}, checks: {} };
  if (typeof raw !== 'object' || raw === null || (raw as { version?: unknown }).version !== 1) {
    return empty;
  }
  const { scaffolds, checks } = raw as Partial<StoredProjectRecords>;
  return {
    version: 1,
    scaffolds: Object.fromEntries(Object.entries(scaffolds ?? {}).filter(([, r]) => typeof r?.folder === 'string' && typeof r.at === 'string')),
    checks: Object.fromEntries(
      Object.entries(checks ?? {}).filter(
        ([, r]) =>
          typeof r?.at === 'string' &&
          ['passed', 'failed', 'crashed', 'unverified'].includes(r.outcome) &&
          typeof r.summary === 'string' &&
          optionalLines(r.failures) &&
          optionalLines(r.notRun),
      ),
    ),
  };
}

/** Absent, or a list of strings (the tree lists them line by line). */
function optionalLines(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.every((line) => typeof line === 'string'));
}
