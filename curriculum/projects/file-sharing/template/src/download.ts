// Milestones 4 to 6: download a file by its root from every peer that has it, at once. The
// manifest is trusted only if it hashes to the root; a chunk only if it hashes to its line of the
// manifest. Peers come and go: a failed request goes elsewhere, a liar is banned, discovery is
// asked again, and verified chunks survive our own crash (partial.ts). With `serve`, we serve what
// we verified to other downloaders while we download, and after (seeding.ts): a swarm.
import type { Seeding } from './seeding.ts';

export interface DownloadOptions {
  /** The file's root hash: its name, and the only thing we trust. */
  readonly root: string;
  /** Where the file goes; `<out>.part` (partial.ts) meanwhile. */
  readonly out: string;
  readonly tracker?: string;
  readonly gossipSeeds?: readonly string[];
  /** Peers known in advance ("host:port"). */
  readonly peers?: readonly string[];
  /** Requests in flight per peer; default 4. */
  readonly perPeer?: number;
  /** Requests in flight in all; default 32. */
  readonly maxInFlight?: number;
  readonly requestTimeoutMs?: number;
  /** How often to ask discovery for peers again; default 1000 ms. */
  readonly rediscoverMs?: number;
  /** Fail when no chunk has been verified for this long; default 20000 ms. */
  readonly giveUpMs?: number;
  /**
   * Milestone 5: serve the chunks verified so far to other downloaders while downloading, and
   * announce them to `tracker`; the report's `seeding` goes on serving the complete file until stopped.
   */
  readonly serve?: { readonly host?: string; readonly port?: number; readonly advertise?: string; readonly heartbeatMs?: number };
  readonly onEvent?: (event: DownloadEvent) => void;
}

export type DownloadEvent =
  | { readonly type: 'manifest'; readonly peer: string; readonly chunks: number }
  | { readonly type: 'serving'; readonly port: number; readonly address: string }
  | { readonly type: 'resumed'; readonly chunks: number }
  | { readonly type: 'verified'; readonly index: number; readonly peer: string }
  | { readonly type: 'retry'; readonly index: number; readonly peer: string; readonly reason: string }
  | { readonly type: 'banned'; readonly peer: string; readonly reason: string };

export interface DownloadReport {
  readonly root: string;
  readonly size: number;
  readonly chunks: number;
  /** Chunks found verified on disk at the start. */
  readonly resumed: number;
  /** CHUNK answers received, accepted or not. */
  readonly fetched: number;
  /** Requests for a chunk already requested once in this run. */
  readonly refetched: number;
  readonly bytesReceived: number;
  readonly banned: readonly string[];
  readonly chunksByPeer: Readonly<Record<string, number>>;
  readonly elapsedMs: number;
  /** With `serve`: still serving the complete file; stop() it when done. */
  readonly seeding?: Seeding;
}

export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

/**
 * Milestone 4, the core:
 * 1. Discover peers: `peers`, plus lookup() on the tracker, plus a gossip node (startGossip with
 *    no `self`) when gossipSeeds are given. A tracker that does not answer is not fatal.
 * 2. Get the manifest from any peer; keep it only if checkManifest(json, root) accepts it.
 * 3. Ask every peer GET_HAVE before choosing anything, and count how many peers hold each chunk.
 * 4. Keep up to perPeer requests in flight on each peer (maxInFlight in all), choosing with
 *    pickChunk among the chunks that peer holds that are neither verified nor in flight.
 * 5. Verify each chunk (verifyChunk) before writing it at index × chunkSize; a request that fails
 *    goes back to the pool and is asked of another peer.
 * 6. Every rediscoverMs, ask discovery again and add new peers. Reject with DownloadError when no
 *    chunk was verified for giveUpMs. When all chunks are verified, write `out` and resolve.
 * Emit a 'verified' event for each chunk once it is safely written.
 *
 * Endgame (allowed, not required): once the last few chunks are all in flight, a free peer may ask
 * for one of them again; a handful of such duplicate requests is fine, but write each chunk once
 * (the first copy that verifies) and emit 'verified' once per chunk.
 *
 * Milestone 5: peers die mid-chunk (a connection error is not a lie: retry elsewhere) and one lies
 * (a chunk that fails its hash: ban it at once with a PeerBook and never ask it again, emit
 * 'banned'; report.banned lists it).
 * And a downloader is a peer too. With `serve`, once you have the manifest, startSeeding
 * (seeding.ts) with `have` the live set of chunks you verified, emit 'serving', and leave your own
 * address out of what discovery returns: the address you announce (seeding.address), which behind
 * a proxy or a NAT is not the port you listen on. Other downloaders gain chunks as they go, so ask each
 * peer GET_HAVE again now and then while it lacks chunks you need. When the download completes,
 * keep serving (now from `out`) and hand the Seeding back in report.seeding; on failure, stop it.
 *
 * Milestone 6: write through openPartial (partial.ts), so a killed download resumes with what it
 * verified, never requesting those chunks again; emit 'verified' only once recorded.
 * (Until then, keep your own simpler storage; swap it for PartialFile when you get there.)
 */
export async function download(options: DownloadOptions): Promise<DownloadReport> {
  throw new Error('TODO(milestone 4): download from many peers at once in download (src/download.ts). Read first: "Architectures", "Processes and threads", "Throughput, latency and the bandwidth-delay product".');
}
