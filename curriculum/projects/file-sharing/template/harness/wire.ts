// The harness's own reading of the wire protocol and of manifests (README, "Wire protocol"). It
// never imports src/: the proxy and the tests observe your code from outside, as an independent
// witness. Try writing your own framing before you read this one.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { connect, type Socket } from 'node:net';

export const Type = {
  GetManifest: 0x01,
  GetHave: 0x02,
  GetChunk: 0x03,
  Announce: 0x10,
  Lookup: 0x11,
  Manifest: 0x81,
  Have: 0x82,
  Chunk: 0x83,
  AnnounceOk: 0x90,
  Peers: 0x91,
  Error: 0xff,
} as const;

export const HEADER_LENGTH = 5;
export const MAX_FRAME_LENGTH = 16 * 1024 * 1024 + 64;

export interface WireFrame {
  readonly type: number;
  readonly body: Buffer;
}

export function frame(type: number, body: Uint8Array = Buffer.alloc(0)): Buffer {
  const out = Buffer.allocUnsafe(HEADER_LENGTH + body.length);
  out.writeUInt32BE(1 + body.length, 0);
  out[4] = type;
  out.set(body, HEADER_LENGTH);
  return out;
}

export function jsonFrame(type: number, value: unknown): Buffer {
  return frame(type, Buffer.from(JSON.stringify(value), 'utf8'));
}

export function getChunkFrame(root: string, index: number): Buffer {
  const body = Buffer.allocUnsafe(36);
  Buffer.from(root, 'hex').copy(body, 0);
  body.writeUInt32BE(index, 32);
  return frame(Type.GetChunk, body);
}

export function rootFrame(type: number, root: string): Buffer {
  return frame(type, Buffer.from(root, 'hex'));
}

/** Cuts frames out of a byte stream, whatever the read boundaries. */
export class WireParser {
  #pieces: Buffer[] = [];
  #length = 0;

  push(bytes: Uint8Array): WireFrame[] {
    this.#pieces.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    this.#length += bytes.length;
    const frames: WireFrame[] = [];
    while (this.#length >= 4) {
      const length = this.#peek(4).readUInt32BE(0);
      if (length < 1 || length > MAX_FRAME_LENGTH) {
        throw new Error(`bad frame length ${length}`);
      }
      if (this.#length < 4 + length) {
        break;
      }
      const whole = this.#take(4 + length);
      frames.push({ type: whole[4] as number, body: whole.subarray(HEADER_LENGTH) });
    }
    return frames;
  }

  get buffered(): number {
    return this.#length;
  }

  #peek(count: number): Buffer {
    const first = this.#pieces[0] as Buffer;
    return first.length >= count ? first : Buffer.concat(this.#pieces, count);
  }

  #take(count: number): Buffer {
    const all = this.#pieces.length === 1 ? (this.#pieces[0] as Buffer) : Buffer.concat(this.#pieces);
    const taken = Buffer.from(all.subarray(0, count));
    const rest = all.subarray(count);
    this.#pieces = rest.length > 0 ? [rest] : [];
    this.#length = rest.length;
    return taken;
  }
}

export interface ReferenceManifest {
  readonly size: number;
  readonly chunkSize: number;
  readonly hashes: readonly string[];
  readonly root: string;
}

/** The root of README "Manifest and root hash", computed independently of src/. */
export function referenceRoot(size: number, chunkSize: number, hashes: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(`fsv1 ${size} ${chunkSize}\n`);
  for (const h of hashes) {
    hash.update(`${h}\n`);
  }
  return hash.digest('hex');
}

/** Chunk hashes and root of a file, computed independently of src/. */
export async function referenceManifest(path: string, chunkSize: number): Promise<ReferenceManifest> {
  const hashes: string[] = [];
  let size = 0;
  let current = createHash('sha256');
  let filled = 0;
  for await (const piece of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    let offset = 0;
    while (offset < piece.length) {
      const take = Math.min(chunkSize - filled, piece.length - offset);
      current.update(piece.subarray(offset, offset + take));
      filled += take;
      offset += take;
      if (filled === chunkSize) {
        hashes.push(current.digest('hex'));
        current = createHash('sha256');
        filled = 0;
      }
    }
    size += piece.length;
  }
  if (filled > 0) {
    hashes.push(current.digest('hex'));
  }
  return { size, chunkSize, hashes, root: referenceRoot(size, chunkSize, hashes) };
}

/** A raw client: sends bytes, collects frames; for tests that speak the protocol by hand. */
export class RawClient {
  readonly socket: Socket;
  readonly frames: WireFrame[] = [];
  #parser = new WireParser();
  #waiters: (() => void)[] = [];
  #closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (bytes: Buffer) => {
      for (const f of this.#parser.push(bytes)) {
        this.frames.push(f);
      }
      this.#wake();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  /** Resolves once `count` frames have arrived in all, or rejects on close or after timeoutMs. */
  async waitFrames(count: number, timeoutMs = 5000): Promise<WireFrame[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < count) {
      if (this.#closed) {
        throw new Error(`connection closed after ${this.frames.length} of ${count} frames`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`only ${this.frames.length} of ${count} frames after ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames.slice(0, count);
  }

  /** Resolves when the peer closes the connection, or rejects after timeoutMs. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`connection still open after ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) {
      wake();
    }
  }
}

/** Asks a tracker which peers hold `root`, speaking the protocol by hand. */
export async function trackerLookup(port: number, root: string, timeoutMs = 3000): Promise<string[]> {
  const client = await RawClient.open(port);
  try {
    await client.write(jsonFrame(Type.Lookup, { root }));
    const [reply] = await client.waitFrames(1, timeoutMs);
    if (!reply || reply.type !== Type.Peers) {
      throw new Error(`tracker answered type 0x${reply?.type.toString(16)} to LOOKUP`);
    }
    const parsed = JSON.parse(reply.body.toString('utf8')) as { peers?: unknown };
    return Array.isArray(parsed.peers) ? parsed.peers.map(String) : [];
  } finally {
    client.close();
  }
}
