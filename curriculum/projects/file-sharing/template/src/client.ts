// Milestone 2: the client side of the protocol. One TCP connection to a peer (or a tracker),
// requests pipelined on it, answers matched to requests in order, every request bounded in time.
import type { Frame } from './framing.ts';

export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;

/** The other side answered ERROR: the request failed, the connection is still usable. */
export class PeerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeerError';
  }
}

/** The connection is gone (closed, reset, timed out or broke the protocol). */
export class ConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionError';
  }
}

/**
 * A connection to a peer. Several requests may be in flight at once (pipelining): the peer answers
 * them in the order it received them, so keep a queue of pending requests and give each frame
 * that arrives to the oldest one. Frames come out of a FrameDecoder fed with every 'data' event.
 *
 * - An ERROR answer rejects that request with PeerError; the connection stays open.
 * - An answer of the wrong type, a CHUNK for another index, bad framing, the socket closing or
 *   erroring: reject every pending request with ConnectionError and close the connection.
 * - A request with no answer within its timeout: same (a late answer would shift every later one).
 * - Call setNoDelay(true) on the socket: requests are small and should leave at once.
 */
export class PeerConnection {
  readonly address: string;

  private constructor(address: string) {
    this.address = address;
  }

  /** Connects to "host:port"; rejects with ConnectionError if that fails or takes over timeoutMs. */
  static connect(address: string, options: { timeoutMs?: number } = {}): Promise<PeerConnection> {
    throw new Error('TODO(milestone 2): open a TCP connection in PeerConnection.connect (src/client.ts). Read first: "Sockets and message framing", "TCP".');
  }

  get closed(): boolean {
    throw new Error('TODO(milestone 2): report whether the connection is closed (src/client.ts). Read first: "Sockets and message framing", "TCP".');
  }

  /** Sends one frame and resolves with the answer, which must be of type `expect` (or ERROR). */
  request(type: number, body: Uint8Array, expect: number, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<Frame> {
    throw new Error('TODO(milestone 2): send a request and match its answer in PeerConnection.request (src/client.ts). Read first: "Sockets and message framing", "TCP".');
  }

  /** GET_MANIFEST → the MANIFEST body parsed as JSON (unchecked: use checkManifest). */
  getManifest(root: string, timeoutMs?: number): Promise<unknown> {
    throw new Error('TODO(milestone 2): ask for a manifest in PeerConnection.getManifest (src/client.ts). Read first: "Sockets and message framing", "TCP".');
  }

  /** GET_HAVE → the bitfield of the chunks the peer holds (see bitfieldHas in protocol.ts). */
  getHave(root: string, timeoutMs?: number): Promise<Buffer> {
    throw new Error('TODO(milestone 2): ask which chunks a peer holds in PeerConnection.getHave (src/client.ts). Read first: "Sockets and message framing", "TCP".');
  }

  /** GET_CHUNK → the chunk's bytes (unverified: that is the caller's job). */
  getChunk(root: string, index: number, timeoutMs?: number): Promise<Buffer> {
    throw new Error('TODO(milestone 2): ask for a chunk in PeerConnection.getChunk (src/client.ts). Read first: "Sockets and message framing", "TCP".');
  }

  /** Closes the connection; pending requests reject with ConnectionError. */
  close(): void {
    throw new Error('TODO(milestone 2): close the connection in PeerConnection.close (src/client.ts). Read first: "Sockets and message framing", "TCP".');
  }
}

/** One request on a fresh connection, closed afterwards: for trackers. */
export async function requestOnce(address: string, type: number, body: Uint8Array, expect: number, timeoutMs = 3000): Promise<Frame> {
  const connection = await PeerConnection.connect(address, { timeoutMs });
  try {
    return await connection.request(type, body, expect, timeoutMs);
  } finally {
    connection.close();
  }
}
