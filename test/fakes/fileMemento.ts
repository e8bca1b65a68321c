// A Memento kept in one JSON file, for tests where a process is killed mid-write. Like VS Code's
// globalState, an update resolves at once and reaches the disk later (here after FLUSH_DELAY_MS,
// whole, through a temporary file and a rename), so a kill can lose the latest updates: what
// must survive a crash has to be in the journals.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { KeyValueStore } from '../../src/core/progress/store';

const FLUSH_DELAY_MS = 40;

export class FileMemento implements KeyValueStore {
  private values: Record<string, unknown>;
  private flush: NodeJS.Timeout | undefined;

  constructor(private readonly file: string) {
    this.values = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  }

  get(key: string): unknown {
    return this.values[key];
  }

  update(key: string, value: unknown): Promise<void> {
    this.values = { ...this.values, [key]: value };
    this.flush ??= setTimeout(() => this.flushNow(), FLUSH_DELAY_MS);
    return Promise.resolve();
  }

  /** Writes what is pending now (as VS Code does when a window closes normally). */
  flushNow(): void {
    clearTimeout(this.flush);
    this.flush = undefined;
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.values));
    renameSync(temporary, this.file);
  }
}
