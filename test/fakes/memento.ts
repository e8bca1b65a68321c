// An in-memory Memento honest to VS Code's: a stored false, 0 or '' comes back as stored, values
// are copied through JSON as VS Code persists them, and a write can be made to fail.
import type { KeyValueStore } from '../../src/core/progress/store';

export class FakeMemento implements KeyValueStore {
  private readonly values = new Map<string, string>();
  /** When set, the next update rejects with this error (once). */
  failNextUpdate: Error | undefined;
  updates = 0;

  constructor(initial: Record<string, unknown> = {}) {
    for (const [key, value] of Object.entries(initial)) {
      this.values.set(key, JSON.stringify(value));
    }
  }

  get(key: string): unknown {
    const text = this.values.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  }

  keys(): string[] {
    return [...this.values.keys()];
  }

  update(key: string, value: unknown): Promise<void> {
    if (this.failNextUpdate) {
      const error = this.failNextUpdate;
      this.failNextUpdate = undefined;
      return Promise.reject(error);
    }
    this.updates++;
    if (value === undefined) {
      this.values.delete(key);
    } else {
      this.values.set(key, JSON.stringify(value));
    }
    return Promise.resolve();
  }
}

/** A clock that returns the given times in turn, then keeps returning the last one. */
export function steppingClock(...isoTimes: string[]): { now(): Date } {
  let index = 0;
  return {
    now: () => new Date(isoTimes[Math.min(index++, isoTimes.length - 1)]),
  };
}
