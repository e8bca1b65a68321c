// Machine-local facts about step-6 projects: where each was scaffolded and the last check of each
// milestone. Kept apart from the synced progress because folders differ between machines.
import type { KeyValueStore } from './store';
import { Emitter, type Event } from '../util/event';

export interface ScaffoldRecord {
  /** The folder's Uri, as a string. */
  readonly folder: string;
  readonly at: string;
}

export interface CheckRecord {
  readonly at: string;
  readonly outcome: 'passed' | 'failed' | 'crashed';
  /** One line: "14 tests passed", "2 of 14 tests failed", the crash reason. */
  readonly summary: string;
  readonly failures?: readonly string[];
}

interface StoredProjectRecords {
  readonly version: 1;
  readonly scaffolds: Record<string, ScaffoldRecord>;
  readonly checks: Record<string, CheckRecord>;
}

/** The progress id of a milestone: `<project-id>/<milestone-id>`. */
export function milestoneKey(projectId: string, milestoneId: string): string {
  return `${projectId}/${milestoneId}`;
}

export class ProjectRecords {
  private readonly changed = new Emitter<void>();
  readonly onDidChange: Event<void> = this.changed.event;
  private value: StoredProjectRecords;

  constructor(
    private readonly storage: KeyValueStore,
    private readonly key: string,
  ) {
    this.value = readRecords(storage.get(key));
  }

  scaffold(projectId: string): ScaffoldRecord | undefined {
    return this.value.scaffolds[projectId];
  }

  lastCheck(key: string): CheckRecord | undefined {
    return this.value.checks[key];
  }

  async recordScaffold(projectId: string, record: ScaffoldRecord): Promise<void> {
    await this.write({ ...this.value, scaffolds: { ...this.value.scaffolds, [projectId]: record } });
  }

  async recordCheck(key: string, record: CheckRecord): Promise<void> {
    await this.write({ ...this.value, checks: { ...this.value.checks, [key]: record } });
  }

  dispose(): void {
    this.changed.dispose();
  }

  private async write(next: StoredProjectRecords): Promise<void> {
    await this.storage.update(this.key, next);
    this.value = next;
    this.changed.fire();
  }
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
    scaffolds: Object.fromEntries(
      Object.entries(scaffolds ?? {}).filter(([, r]) => typeof r?.folder === 'string' && typeof r.at === 'string'),
    ),
    checks: Object.fromEntries(
      Object.entries(checks ?? {}).filter(
        ([, r]) => typeof r?.at === 'string' && ['passed', 'failed', 'crashed'].includes(r.outcome) && typeof r.summary === 'string',
      ),
    ),
  };
}
