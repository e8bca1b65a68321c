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

/**
 * Rules the tests check:
 * - add(peer) makes a peer known and usable, unless it is banned (then it does nothing).
 * - recordFailure: after maxFailures failures in a row (a success in between resets the count),
 *   the peer is not usable until now + cooldownMs; then it is usable again.
 * - ban(peer, reason): never usable again, whatever add() says later; banned() lists it.
 * - usable(now) keeps the order in which peers were added. `now` defaults to Date.now().
 */
export class PeerBook {
  constructor(options: PeerBookOptions = {}) {
    throw new Error('TODO(milestone 5): track failures, suspensions and bans in PeerBook (src/peerbook.ts). Read first: "Fault tolerance", "Gossip, epidemics and membership".');
  }

  add(peer: string): void {
    throw new Error('TODO(milestone 5): PeerBook.add (src/peerbook.ts). Read first: "Fault tolerance", "Gossip, epidemics and membership".');
  }

  usable(now: number = Date.now()): string[] {
    throw new Error('TODO(milestone 5): PeerBook.usable (src/peerbook.ts). Read first: "Fault tolerance", "Gossip, epidemics and membership".');
  }

  isUsable(peer: string, now: number = Date.now()): boolean {
    throw new Error('TODO(milestone 5): PeerBook.isUsable (src/peerbook.ts). Read first: "Fault tolerance", "Gossip, epidemics and membership".');
  }

  recordSuccess(peer: string): void {
    throw new Error('TODO(milestone 5): PeerBook.recordSuccess (src/peerbook.ts). Read first: "Fault tolerance", "Gossip, epidemics and membership".');
  }

  recordFailure(peer: string, now: number = Date.now()): void {
    throw new Error('TODO(milestone 5): PeerBook.recordFailure (src/peerbook.ts). Read first: "Fault tolerance", "Gossip, epidemics and membership".');
  }

  ban(peer: string, reason: string): void {
    throw new Error('TODO(milestone 5): PeerBook.ban (src/peerbook.ts). Read first: "Fault tolerance", "Gossip, epidemics and membership".');
  }

  isBanned(peer: string): boolean {
    throw new Error('TODO(milestone 5): PeerBook.isBanned (src/peerbook.ts). Read first: "Fault tolerance", "Gossip, epidemics and membership".');
  }

  /** Banned peers and why, in the order they were banned. */
  banned(): { peer: string; reason: string }[] {
    throw new Error('TODO(milestone 5): PeerBook.banned (src/peerbook.ts). Read first: "Fault tolerance", "Gossip, epidemics and membership".');
  }
}
