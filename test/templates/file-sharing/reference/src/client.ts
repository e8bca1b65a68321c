// Milestone 2: the client side of the protocol. One TCP connection to a peer (or a tracker),
// requests pipelined on it, answers matched to requests in order, every request bounded in time.
import { connect, type Socket } from 'node:net';
import { FrameDecoder, encodeFrame, type Frame } from './framing.ts';
import {
  MessageType,
  decodeChunk,
  decodeHave,
  decodeJson,
  encodeGetChunk,
  encodeRootBody,
  parseAddress,
} from './protocol.ts';

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

interface Pending {
  readonly expect: number;
  readonly resolve: (frame: Frame) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class PeerConnection {
  readonly address: string;
  readonly #socket: Socket;
  readonly #decoder = new FrameDecoder();
  readonly #pending: Pending[] = [];
  #closedBecause: string | undefined;

  private constructor(address: string, socket: Socket) {
    this.address = address;
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (bytes: Buffer) => this.#onData(bytes));
    socket.on('error', (error) => this.#fail(`${error.message}`));
    socket.on('close', () => this.#fail('the connection closed'));
  }

  static connect(address: string, options: { timeoutMs?: number } = {}): Promise<PeerConnection> {
    const { host, port } = parseAddress(address);
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectionError(`no connection to ${address} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new PeerConnection(address, socket));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new ConnectionError(`cannot connect to ${address}: ${error.message}`));
      });
    });
  }

  get closed(): boolean {
    return this.#closedBecause !== undefined;
  }

  request(type: number, body: Uint8Array, expect: number, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<Frame> {
    if (this.#closedBecause !== undefined) {
      return Promise.reject(new ConnectionError(`${this.address}: ${this.#closedBecause}`));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // A late answer would shift every later one: the connection cannot be trusted any more.
        this.#fail(`no answer within ${timeoutMs} ms`);
      }, timeoutMs);
      this.#pending.push({ expect, resolve, reject, timer });
      this.#socket.write(encodeFrame(type, body));
    });
  }

  async getManifest(root: string, timeoutMs?: number): Promise<unknown> {
    const frame = await this.request(MessageType.GetManifest, encodeRootBody(root), MessageType.Manifest, timeoutMs);
    try {
      return decodeJson(frame.body);
    } catch {
      throw new PeerError(`${this.address} sent a manifest that is not JSON`);
    }
  }

  async getHave(root: string, timeoutMs?: number): Promise<Buffer> {
    const frame = await this.request(MessageType.GetHave, encodeRootBody(root), MessageType.Have, timeoutMs);
    const have = decodeHave(frame.body);
    if (have.root !== root) {
      this.#fail('HAVE for another root');
      throw new ConnectionError(`${this.address} answered HAVE for another root`);
    }
    return have.bitfield;
  }

  async getChunk(root: string, index: number, timeoutMs?: number): Promise<Buffer> {
    const frame = await this.request(MessageType.GetChunk, encodeGetChunk(root, index), MessageType.Chunk, timeoutMs);
    const chunk = decodeChunk(frame.body);
    if (chunk.root !== root || chunk.index !== index) {
      this.#fail('CHUNK for another request');
      throw new ConnectionError(`${this.address} answered chunk ${chunk.index} to a request for chunk ${index}`);
    }
    return chunk.data;
  }

  close(): void {
    this.#fail('closed by us');
  }

  #onData(bytes: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.#decoder.push(bytes);
    } catch (error) {
      this.#fail(`bad framing: ${(error as Error).message}`);
      return;
    }
    for (const frame of frames) {
      const pending = this.#pending.shift();
      if (!pending) {
        this.#fail('an answer nobody asked for');
        return;
      }
      clearTimeout(pending.timer);
      if (frame.type === MessageType.Error) {
        pending.reject(new PeerError(`${this.address}: ${frame.body.toString('utf8')}`));
      } else if (frame.type !== pending.expect) {
        pending.reject(new ConnectionError(`${this.address} answered type 0x${frame.type.toString(16)}`));
        this.#fail('an answer of the wrong type');
        return;
      } else {
        pending.resolve(frame);
      }
    }
  }

  #fail(reason: string): void {
    if (this.#closedBecause === undefined) {
      this.#closedBecause = reason;
      this.#socket.destroy();
    }
    for (const pending of this.#pending.splice(0)) {
      clearTimeout(pending.timer);
      pending.reject(new ConnectionError(`${this.address}: ${this.#closedBecause}`));
    }
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
