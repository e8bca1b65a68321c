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
  constructor(options: { ttlMs?: number; now?: () => number } = {}) {}

  async run(key: string, fingerprint: string, work: () => Promise<T>): Promise<{ value: T; replayed: boolean }> {
    throw new Error('TODO(milestone 4): run each key\'s work once in IdempotencyStore.run (src/lib/idempotency.ts). Read first: "Resiliency patterns", "Retries and control loops".');
  }
}
