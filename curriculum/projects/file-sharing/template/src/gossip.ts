// Milestone 3: discovery without a single point of failure. Every node keeps a table of members,
// each with a heartbeat counter only its owner increments; every interval it sends the table to a
// few members over UDP and keeps, for each member, the highest heartbeat it has seen. A member whose
// heartbeat stops growing for ttlMs is presumed dead. No node is special: any one can be the seed.

export interface GossipMember {
  /** The member's gossip address: its identity. */
  readonly gossip: string;
  /** Its chunk server's address, if it serves files. */
  readonly peer?: string;
  readonly roots: readonly string[];
  readonly heartbeat: number;
}

export interface GossipOptions {
  /** Gossip addresses to contact first; any live member will do. */
  readonly seeds: readonly string[];
  /** What this node serves; absent for a node that only looks (a downloader). */
  readonly self?: { readonly peer: string; readonly roots: readonly string[] };
  readonly host?: string;
  readonly port?: number;
  readonly intervalMs?: number;
  readonly ttlMs?: number;
  /** How many members to send the table to each interval. */
  readonly fanout?: number;
}

export interface GossipNode {
  /** This node's gossip address, "host:port". */
  readonly address: string;
  /** Live members, this node excluded. */
  members(): GossipMember[];
  /** Chunk-server addresses of live members that hold `root`. */
  lookup(root: string): string[];
  close(): Promise<void>;
}

/**
 * Binds a UDP socket (node:dgram) and gossips (README, "Gossip"). Every intervalMs (default 200):
 * increment your own heartbeat, drop members whose heartbeat has not grown for ttlMs (default
 * 2000) by your own clock, and send one datagram
 *   {"from":"host:port","members":[{"gossip","peer","roots","heartbeat"}, …]}  (yourself included)
 * to `fanout` (default 2) random live members, and to every seed not yet among them.
 * On a datagram: for each member, keep the entry with the higher heartbeat, and note when it grew.
 * Do not let a stale copy bring back a member you expired: remember its last heartbeat a while.
 * A UDP datagram arrives whole or not at all: no framing needed, but keep it under 60 KiB.
 */
export function startGossip(options: GossipOptions): Promise<GossipNode> {
  throw new Error('TODO(milestone 3): gossip membership over UDP in startGossip (src/gossip.ts). Read first: "Architectures", "Naming", "Gossip, epidemics and membership", "Distributed hash tables: Chord and Kademlia", "UDP and datagrams", "NAT and NAT traversal".');
}
