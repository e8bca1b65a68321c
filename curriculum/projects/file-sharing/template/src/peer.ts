// Milestone 2: a peer serves the chunks it holds over TCP. Requests on one connection are answered
// one after the other, in order; a broken frame ends that connection, never the peer.
import type { Manifest } from './chunking.ts';

export interface SharedFile {
  readonly manifest: Manifest;
  /** The complete file on disk. */
  readonly path: string;
  /** The chunks this peer may serve and advertise; all when absent. Read at each request: it may grow. */
  readonly have?: ReadonlySet<number>;
}

export interface PeerOptions {
  readonly files: readonly SharedFile[];
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
}

export interface PeerServer {
  readonly port: number;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/**
 * Listens on host (default 127.0.0.1) and port, and answers, on each connection, every frame a
 * FrameDecoder cuts out of the reads (several may come in one read, one may span many):
 *   GET_MANIFEST root        → MANIFEST (the manifest as JSON)
 *   GET_HAVE root            → HAVE root + bitfield of `have` (all chunks when absent)
 *   GET_CHUNK root, index    → CHUNK root + index + the chunk's bytes (readChunk)
 * An unknown root, a chunk outside `have`, an unknown type: ERROR with a message, and go on.
 * Answer in request order, one at a time (wait for 'drain' when write returns false, so a slow
 * reader slows you down instead of filling your memory). A FrameError: destroy that socket only.
 * Body layouts and helpers are in protocol.ts.
 * Read `have` and `path` when a request arrives, not once at start: from milestone 5 a downloader
 * serves through startPeer a `have` that grows as it verifies chunks.
 */
export function startPeer(options: PeerOptions): Promise<PeerServer> {
  throw new Error('TODO(milestone 2): serve manifests, HAVE and chunks over TCP in startPeer (src/peer.ts). Read first: "Sockets and message framing", "TCP".');
}
