// An in-memory Memento honest to VS Code's: a stored false, 0 or '' comes back as stored, a value
// is copied through JSON when it is written (as VS Code 1.139's memento does) and the copy is what
// every read hands back until the next write, and a write can be made to fail.
import type { KeyValueStore } from '../../src/core/progress/store';

export class FakeMemento implements KeyValueStore {
  private readonly values = new Map<string, unknown>();
  /** When set, the next update rejects with this error (once). */
  failNextUpdate: Error | undefined;
  updates = 0;

  constructor(initial: Record<string, unknown> = {}) {
    for (const [key, value] of Object.entries(initial)) {
      this.values.set(key, copy(value));
    }
  }

  get(key: string): unknown {
    return this.values.get(key);
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
      this.values.set(key, copy(value));
    }
    return Promise.resolve();
  }
}

function copy(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** A clock that returns the given times in turn, then keeps returning the last one. */
export function steppingClock(...isoTimes: string[]): { now(): Date } {
  let index = 0;
  return {
    now: () => new Date(isoTimes[Math.min(index++, isoTimes.length - 1)]),
  };
}
