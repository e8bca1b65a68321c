// Milestone 5: what the downloader knows about each peer. A peer that fails (timeout, reset,
// refused) is suspended for a while after a few failures in a row: it may only be slow or
// restarting. A peer that sends a chunk that does not match its hash is banned for good: it lied,
// and discovery listing it again does not bring it back.

export interface PeerBookOptions {
  /** Consecutive failures before a peer is suspended; default 3. */
  readonly maxFailures?: number;
  /** How long a suspension lasts; default 2000 ms. */
  readonly cooldownMs?: number;
}

interface PeerRecord {
  failures: number;
  suspendedUntil: number;
}

export class PeerBook {
  readonly #maxFailures: number;
  readonly #cooldownMs: number;
  readonly #peers = new Map<string, PeerRecord>();
  readonly #banned = new Map<string, string>();

  constructor(options: PeerBookOptions = {}) {
    this.#maxFailures = options.maxFailures ?? 3;
    this.#cooldownMs = options.cooldownMs ?? 2000;
  }

  /** A peer learned from discovery; ignored if banned or already known. */
  add(peer: string): void {
    if (!this.#banned.has(peer) && !this.#peers.has(peer)) {
      this.#peers.set(peer, { failures: 0, suspendedUntil: 0 });
    }
  }

  /** Known peers, neither banned nor suspended at `now`, in the order they were added. */
  usable(now: number = Date.now()): string[] {
    return [...this.#peers].filter(([, record]) => record.suspendedUntil <= now).map(([peer]) => peer);
  }

  isUsable(peer: string, now: number = Date.now()): boolean {
    const record = this.#peers.get(peer);
    return record !== undefined && record.suspendedUntil <= now;
  }

  recordSuccess(peer: string): void {
    const record = this.#peers.get(peer);
    if (record) {
      record.failures = 0;
    }
  }

  recordFailure(peer: string, now: number = Date.now()): void {
    const record = this.#peers.get(peer);
    if (!record) {
      return;
    }
    record.failures++;
    if (record.failures >= this.#maxFailures) {
      record.failures = 0;
      record.suspendedUntil = now + this.#cooldownMs;
    }
  }

  ban(peer: string, reason: string): void {
    this.#peers.delete(peer);
    if (!this.#banned.has(peer)) {
      this.#banned.set(peer, reason);
    }
  }

  isBanned(peer: string): boolean {
    return this.#banned.has(peer);
  }

  /** Banned peers and why, in the order they were banned. */
  banned(): { peer: string; reason: string }[] {
    return [...this.#banned].map(([peer, reason]) => ({ peer, reason }));
  }
}
