// Milestone 4: idempotency keys. A client that did not get an answer cannot know whether its
// order was placed; it sends the same request again with the same key, and the server answers
// with the first outcome instead of placing a second order.

export class IdempotencyConflict extends Error {}

/**
 * run(key, fingerprint, work): the first call with a key runs `work`; every later or concurrent
 * call with that key gets the same outcome (`replayed: true`) without running it again. A work
 * that rejected is forgotten, so the key can be retried. The same key with another fingerprint
 * (another request body) rejects with IdempotencyConflict. Keys are kept for ttlMs.
 */
export class IdempotencyStore<T> {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { fingerprint: string; outcome: Promise<T>; at: number }>();

  constructor(options: { ttlMs?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? 24 * 3600_000;
    this.#now = options.now ?? Date.now;
  }

  async run(key: string, fingerprint: string, work: () => Promise<T>): Promise<{ value: T; replayed: boolean }> {
    const now = this.#now();
    const existing = this.#entries.get(key);
    if (existing && now - existing.at < this.#ttlMs) {
      if (existing.fingerprint !== fingerprint) {
        throw new IdempotencyConflict(`idempotency key ${key} was used for another request`);
      }
      return { value: await existing.outcome, replayed: true };
    }
    const outcome = work();
    this.#entries.set(key, { fingerprint, outcome, at: now });
    try {
      return { value: await outcome, replayed: false };
    } catch (error) {
      if (this.#entries.get(key)?.outcome === outcome) {
        this.#entries.delete(key);
      }
      throw error;
    }
  }
}
