// Milestone 3: a tracker remembers which peer holds which file, for as long as the peer keeps
// saying so. A peer that stops heartbeating is forgotten after ttlMs: silence is the only death
// notice a crashed process sends.

export const DEFAULT_TTL_MS = 3000;

export interface TrackerOptions {
  readonly host?: string;
  readonly port?: number;
  /** How long an announcement lasts without a heartbeat. */
  readonly ttlMs?: number;
  /**
   * The clock expiry is judged by, in ms (default Date.now): read it for every announcement and
   * lookup, never Date.now directly, so that a test can move time by hand.
   */
  readonly now?: () => number;
}

export interface Tracker {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A TCP server speaking the framed protocol (framing.ts), with JSON bodies:
 *   ANNOUNCE {"peer":"host:port","roots":[…]} → ANNOUNCE_OK {"ttlMs":n}
 *     (the peer holds these roots; an announcement replaces the previous one of that peer)
 *   LOOKUP {"root":"…"}                       → PEERS {"peers":["host:port",…]}
 *     (every peer that announced this root less than ttlMs ago)
 * A peer whose last announcement is older than ttlMs is expired: never listed again until it
 * announces anew. Anything else: ERROR. Bad framing: close that connection.
 */
export function startTracker(options: TrackerOptions = {}): Promise<Tracker> {
  throw new Error('TODO(milestone 3): keep announcements and expire silent peers in startTracker (src/tracker.ts). Read first: "Architectures", "Naming", "Gossip, epidemics and membership", "Distributed hash tables: Chord and Kademlia", "UDP and datagrams", "NAT and NAT traversal".');
}

/** One ANNOUNCE to the tracker at "host:port" (requestOnce in client.ts does the talking). */
export async function announce(tracker: string, peer: string, roots: readonly string[], timeoutMs = 3000): Promise<{ ttlMs: number }> {
  throw new Error('TODO(milestone 3): send ANNOUNCE in announce (src/tracker.ts). Read first: "Architectures", "Naming", "Gossip, epidemics and membership", "Distributed hash tables: Chord and Kademlia", "UDP and datagrams", "NAT and NAT traversal".');
}

/** One LOOKUP: the peers the tracker lists for `root`. */
export async function lookup(tracker: string, root: string, timeoutMs = 3000): Promise<string[]> {
  throw new Error('TODO(milestone 3): send LOOKUP in lookup (src/tracker.ts). Read first: "Architectures", "Naming", "Gossip, epidemics and membership", "Distributed hash tables: Chord and Kademlia", "UDP and datagrams", "NAT and NAT traversal".');
}

export interface AnnouncerOptions {
  readonly tracker: string;
  /** The address downloaders should use. */
  readonly peer: string;
  readonly roots: readonly string[];
  readonly intervalMs?: number;
  readonly onError?: (error: Error) => void;
}

export interface Announcer {
  stop(): void;
}

/**
 * Heartbeats: announces now, then every intervalMs (default 1000) until stop(). A failed announce
 * (the tracker is down) goes to onError and the heartbeats go on: the peer must outlive its tracker.
 */
export function startAnnouncer(options: AnnouncerOptions): Announcer {
  throw new Error('TODO(milestone 3): announce now and every interval in startAnnouncer (src/tracker.ts). Read first: "Architectures", "Naming", "Gossip, epidemics and membership", "Distributed hash tables: Chord and Kademlia", "UDP and datagrams", "NAT and NAT traversal".');
}
