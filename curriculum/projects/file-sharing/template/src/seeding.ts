// Milestone 5: a downloader is a peer too. It serves the chunks it has verified to other
// downloaders and announces itself, so that downloaders feed each other and the file survives its
// seeders leaving: a swarm, not a star.
import type { SharedFile } from './peer.ts';

export interface SeedingOptions {
  /**
   * The file being downloaded: its manifest, where its bytes are (`path` may be a getter: the
   * partial file while downloading, the complete one after), and `have`, the set of verified
   * chunks, which grows while you serve it.
   */
  readonly file: SharedFile;
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** The address to announce (a harness proxy's); `host:port` when absent. */
  readonly advertise?: string;
  /** Announce to this tracker, every heartbeatMs (default 1000). */
  readonly tracker?: string;
  readonly heartbeatMs?: number;
}

export interface Seeding {
  readonly port: number;
  /** The address other peers reach us at: `advertise`, or `host:port`. */
  readonly address: string;
  /** Stops announcing and serving. */
  stop(): Promise<void>;
}

/**
 * Serves `file` with startPeer and, with a tracker, announces `address` for its root with
 * startAnnouncer. startPeer must answer HAVE and CHUNK from `have` as it is when the request
 * arrives, not as it was at the start: a chunk verified a moment ago is served from then on.
 * (Check your startPeer: one that copies `have` once serves nothing here.)
 */
export function startSeeding(options: SeedingOptions): Promise<Seeding> {
  throw new Error('TODO(milestone 5): serve and announce the chunks you verified in startSeeding (src/seeding.ts). Read first: "Fault tolerance", "Gossip, epidemics and membership".');
}
