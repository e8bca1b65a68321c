// A TCP proxy placed in front of each peer: it reads the protocol from outside (harness/wire.ts)
// and injects what real networks and real peers do: a capped upload rate (token bucket),
// segments split or merged on purpose, corrupted chunks (a lying peer), a link that stalls, and a
// peer that dies in the middle of a chunk. It also records every request and delivery, in one
// order shared by all proxies of a test, so tests check behaviour without timing assertions. And it
// can hand out a forged manifest, consistent with itself but of another root (forgeManifest).
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Random } from './random.ts';
import { recordMessage } from './runs.ts';
import { Type, WireParser, frame, referenceRoot, type WireFrame } from './wire.ts';

export type ProxyEventKind = 'request' | 'chunk-done' | 'chunk-cut' | 'manifest-forged';

export interface ProxyEvent {
  /** Position in the shared log: smaller happened first. */
  readonly seq: number;
  readonly proxy: string;
  /** Connection number within this proxy, from 1. */
  readonly conn: number;
  readonly kind: ProxyEventKind;
  /** The message type of a request; Type.Chunk for deliveries. */
  readonly type: number;
  /** The chunk index of a GET_CHUNK or CHUNK. */
  readonly index?: number;
  readonly corrupted?: boolean;
}

/** One ordered record shared by the proxies of a scenario. */
export class EventLog {
  readonly events: ProxyEvent[] = [];
  add(event: Omit<ProxyEvent, 'seq'>): void {
    this.events.push({ seq: this.events.length + 1, ...event });
    const { proxy, ...rest } = event;
    recordMessage(proxy, JSON.stringify(rest));
  }
}

export interface ProxyOptions {
  readonly random: Random;
  readonly name?: string;
  readonly log?: EventLog;
  /** The seeder's upload cap: bytes per second from the peer to the downloader. */
  readonly rateBytesPerSec?: number;
  /** Token bucket depth; default 16 KiB. */
  readonly burstBytes?: number;
  /** Cut every write, both ways, into segments of min..max bytes written one by one. */
  readonly split?: { readonly min: number; readonly max: number };
  /** Hold bytes for this many ms and write them as one, both ways (coalesced messages). */
  readonly mergeMs?: number;
  /** Probability that a CHUNK passing through has one byte of its data flipped. */
  readonly corrupt?: number;
  /**
   * Replace every MANIFEST passing through with a forged one that is self-consistent (its root is
   * the hash of its own size, chunk size and hashes, so it passes every check but one) and names
   * another file: one chunk hash changed, the root recomputed. Only a downloader that compares the
   * manifest's root with the root it asked for can tell.
   */
  readonly forgeManifest?: boolean;
}

export interface ProxyStats {
  connections: number;
  bytesToPeer: number;
  bytesToClient: number;
  chunkRequests: number;
  chunksDelivered: number;
  chunksCut: number;
  corrupted: number;
}

type ChunkFate = 'send' | 'cut-and-die' | 'cut-connection' | 'stall';

/** Token bucket: `take(n)` resolves once n bytes of budget have accumulated, in FIFO order. */
class TokenBucket {
  #tokens: number;
  #last = performance.now();
  #queue: Promise<void> = Promise.resolve();
  readonly #rate: number;
  readonly #burst: number;

  constructor(rate: number, burst: number) {
    this.#rate = rate;
    this.#burst = burst;
    this.#tokens = burst;
  }

  take(count: number): Promise<void> {
    const turn = this.#queue.then(() => this.#wait(Math.min(count, this.#burst)));
    this.#queue = turn;
    return turn;
  }

  async #wait(count: number): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) * this.#rate) / 1000);
      this.#last = now;
      if (this.#tokens >= count) {
        this.#tokens -= count;
        return;
      }
      await sleep(Math.max(1, ((count - this.#tokens) * 1000) / this.#rate));
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function writeAndDrain(socket: Socket, bytes: Buffer): Promise<void> {
  if (socket.destroyed || !socket.writable) {
    return Promise.resolve();
  }
  if (socket.write(bytes)) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

interface Item {
  bytes: Buffer;
  offset: number;
  chunk?: { index: number; corrupted: boolean };
}

/** Moves bytes one way, shaped as the options say. */
class Pipe {
  readonly #items: Item[] = [];
  #running = false;
  #stalled = false;
  readonly #dest: Socket;
  readonly #proxy: Proxy;
  readonly #downstream: boolean;
  readonly #conn: Connection;

  constructor(dest: Socket, proxy: Proxy, downstream: boolean, conn: Connection) {
    this.#dest = dest;
    this.#proxy = proxy;
    this.#downstream = downstream;
    this.#conn = conn;
  }

  push(item: Item): void {
    this.#items.push(item);
    if (!this.#running && !this.#stalled) {
      this.#running = true;
      this.#run().catch(() => this.#conn.destroy());
    }
  }

  async #run(): Promise<void> {
    const options = this.#proxy.options;
    try {
      while (this.#items.length > 0 && !this.#conn.closed) {
        if (options.mergeMs !== undefined) {
          await sleep(options.mergeMs);
          const items = this.#items.splice(0);
          const bytes = Buffer.concat(items.map((item) => item.bytes.subarray(item.offset)));
          await writeAndDrain(this.#dest, bytes);
          this.#count(bytes.length);
          for (const item of items) {
            if (item.chunk) {
              this.#proxy.recordChunk(this.#conn.id, 'chunk-done', item.chunk);
            }
          }
          continue;
        }
        const item = this.#items[0] as Item;
        if (item.chunk && item.offset === 0) {
          const fate = this.#proxy.chunkFate();
          if (fate === 'stall') {
            this.#stalled = true;
            return;
          }
          if (fate !== 'send') {
            const half = item.bytes.subarray(0, Math.max(1, Math.floor(item.bytes.length / 2)));
            this.#proxy.recordChunk(this.#conn.id, 'chunk-cut', item.chunk);
            this.#dest.end(half);
            this.#count(half.length);
            this.#conn.destroySoon();
            if (fate === 'cut-and-die') {
              this.#proxy.die();
            }
            return;
          }
        }
        const left = item.bytes.length - item.offset;
        const size = options.split ? this.#proxy.random.int(options.split.min, options.split.max) : 16 * 1024;
        const slice = item.bytes.subarray(item.offset, item.offset + Math.min(left, size));
        if (this.#downstream) {
          await this.#proxy.takeTokens(slice.length);
        }
        if (this.#conn.closed) {
          return;
        }
        await writeAndDrain(this.#dest, slice);
        this.#count(slice.length);
        item.offset += slice.length;
        if (item.offset === item.bytes.length) {
          this.#items.shift();
          if (item.chunk) {
            this.#proxy.recordChunk(this.#conn.id, 'chunk-done', item.chunk);
          }
        }
        if (options.split) {
          // Give the receiver a chance to read each segment on its own.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    } finally {
      this.#running = false;
    }
  }

  #count(bytes: number): void {
    if (this.#downstream) {
      this.#proxy.stats.bytesToClient += bytes;
    } else {
      this.#proxy.stats.bytesToPeer += bytes;
    }
  }
}

class Connection {
  readonly id: number;
  readonly client: Socket;
  peer: Socket | undefined;
  closed = false;

  constructor(id: number, client: Socket) {
    this.id = id;
    this.client = client;
  }

  destroy(): void {
    this.closed = true;
    this.client.destroy();
    this.peer?.destroy();
  }

  /** Lets bytes already written to the client leave, then closes both sides. */
  destroySoon(): void {
    this.closed = true;
    this.peer?.destroy();
    setTimeout(() => this.client.destroy(), 200).unref();
  }
}

export class Proxy {
  readonly options: ProxyOptions;
  readonly name: string;
  readonly log: EventLog;
  readonly random: Random;
  readonly stats: ProxyStats = {
    connections: 0,
    bytesToPeer: 0,
    bytesToClient: 0,
    chunkRequests: 0,
    chunksDelivered: 0,
    chunksCut: 0,
    corrupted: 0,
  };
  readonly #server: Server;
  readonly #connections = new Set<Connection>();
  readonly #bucket: TokenBucket | undefined;
  #target: number | undefined;
  #targetWaiters: (() => void)[] = [];
  #chunkStarts = 0;
  #dieAt: number | undefined;
  #resetAt: number | undefined;
  #stallAt: number | undefined;
  #onDie: (() => void) | undefined;
  #dead = false;

  private constructor(server: Server, options: ProxyOptions) {
    this.#server = server;
    this.options = options;
    this.name = options.name ?? 'proxy';
    this.log = options.log ?? new EventLog();
    this.random = options.random;
    this.#bucket =
      options.rateBytesPerSec !== undefined ? new TokenBucket(options.rateBytesPerSec, options.burstBytes ?? 16 * 1024) : undefined;
    server.on('connection', (client) => this.#accept(client));
  }

  /** Listens on 127.0.0.1 (a free port); connections wait until setTarget. */
  static start(options: ProxyOptions): Promise<Proxy> {
    const server = createServer();
    const proxy = new Proxy(server, options);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(proxy));
    });
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') {
      throw new Error('proxy is not listening');
    }
    return address.port;
  }

  /** What peers advertise so that downloaders come through the proxy. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get dead(): boolean {
    return this.#dead;
  }

  setTarget(port: number): void {
    this.#target = port;
    const waiters = this.#targetWaiters;
    this.#targetWaiters = [];
    for (const wake of waiters) {
      wake();
    }
  }

  /** The events of this proxy only, in order. */
  events(): ProxyEvent[] {
    return this.log.events.filter((event) => event.proxy === this.name);
  }

  /** After `chunks` more chunks start, the next one is cut in half and the peer dies. */
  dieAfterChunks(chunks: number, onDie: () => void): void {
    this.#dieAt = this.#chunkStarts + chunks;
    this.#onDie = onDie;
  }

  /** After `chunks` more chunks, the next one is cut in half and its connection closed, once. */
  resetAfterChunks(chunks: number): void {
    this.#resetAt = this.#chunkStarts + chunks;
  }

  /** After `chunks` more chunks, nothing more is forwarded to the client; connections stay open. */
  stallAfterChunks(chunks: number): void {
    this.#stallAt = this.#chunkStarts + chunks;
  }

  /** Closes everything at once and refuses new connections, as a peer that died would. */
  die(): void {
    if (this.#dead) {
      return;
    }
    this.#dead = true;
    this.#server.close();
    for (const conn of this.#connections) {
      conn.destroySoon();
    }
    const onDie = this.#onDie;
    this.#onDie = undefined;
    onDie?.();
  }

  async close(): Promise<void> {
    this.#dead = true;
    for (const conn of this.#connections) {
      conn.destroy();
    }
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  takeTokens(count: number): Promise<void> {
    return this.#bucket ? this.#bucket.take(count) : Promise.resolve();
  }

  chunkFate(): ChunkFate {
    const position = this.#chunkStarts;
    this.#chunkStarts++;
    if (this.#dieAt !== undefined && position >= this.#dieAt) {
      return 'cut-and-die';
    }
    if (this.#stallAt !== undefined && position >= this.#stallAt) {
      return 'stall';
    }
    if (this.#resetAt !== undefined && position >= this.#resetAt) {
      this.#resetAt = undefined;
      return 'cut-connection';
    }
    return 'send';
  }

  recordChunk(conn: number, kind: 'chunk-done' | 'chunk-cut', chunk: { index: number; corrupted: boolean }): void {
    if (kind === 'chunk-done') {
      this.stats.chunksDelivered++;
    } else {
      this.stats.chunksCut++;
    }
    this.log.add({ proxy: this.name, conn, kind, type: Type.Chunk, index: chunk.index, corrupted: chunk.corrupted });
  }

  async #waitTarget(): Promise<number> {
    while (this.#target === undefined) {
      await new Promise<void>((resolve) => this.#targetWaiters.push(resolve));
    }
    return this.#target;
  }

  #accept(client: Socket): void {
    if (this.#dead) {
      client.destroy();
      return;
    }
    this.stats.connections++;
    const conn = new Connection(this.stats.connections, client);
    this.#connections.add(conn);
    client.setNoDelay(true);
    client.on('error', () => conn.destroy());
    client.on('close', () => {
      conn.destroy();
      this.#connections.delete(conn);
    });
    // Bytes from the client wait here until the peer's side is connected.
    const early: Buffer[] = [];
    const collect = (bytes: Buffer): void => {
      early.push(bytes);
    };
    client.on('data', collect);
    this.#waitTarget()
      .then((target) => {
        if (conn.closed) {
          return;
        }
        const peer = connect({ port: target, host: '127.0.0.1' });
        conn.peer = peer;
        peer.setNoDelay(true);
        peer.on('error', () => conn.destroy());
        peer.on('close', () => conn.destroySoon());
        const up = new Pipe(peer, this, false, conn);
        const down = new Pipe(client, this, true, conn);
        const requests = new WireParser();
        let parseRequests = true;
        const fromClient = (bytes: Buffer): void => {
          if (parseRequests) {
            try {
              for (const f of requests.push(bytes)) {
                this.#recordRequest(conn.id, f);
              }
            } catch {
              parseRequests = false;
            }
          }
          up.push({ bytes, offset: 0 });
        };
        client.off('data', collect);
        for (const bytes of early) {
          fromClient(bytes);
        }
        client.on('data', fromClient);
        const responses = new WireParser();
        let parseResponses = true;
        peer.on('data', (bytes: Buffer) => {
          if (!parseResponses) {
            down.push({ bytes, offset: 0 });
            return;
          }
          let frames: WireFrame[];
          try {
            frames = responses.push(bytes);
          } catch {
            // Not the protocol: pass the rest through untouched.
            parseResponses = false;
            down.push({ bytes, offset: 0 });
            return;
          }
          for (const f of frames) {
            down.push(this.#downstreamItem(f, conn.id));
          }
        });
      })
      .catch(() => conn.destroy());
  }

  /** The manifest of another file, consistent with itself: one hash changed, the root recomputed. */
  #forge(body: Buffer): Buffer | undefined {
    let manifest: { size?: unknown; chunkSize?: unknown; hashes?: unknown };
    try {
      manifest = JSON.parse(body.toString('utf8')) as typeof manifest;
    } catch {
      return undefined;
    }
    const { size, chunkSize, hashes } = manifest;
    if (typeof size !== 'number' || typeof chunkSize !== 'number' || !Array.isArray(hashes) || hashes.length === 0) {
      return undefined;
    }
    const forged = hashes.map(String);
    const at = this.random.int(0, forged.length - 1);
    forged[at] = this.random.bytes(32).toString('hex');
    return Buffer.from(JSON.stringify({ ...manifest, hashes: forged, root: referenceRoot(size, chunkSize, forged) }), 'utf8');
  }

  #recordRequest(conn: number, f: WireFrame): void {
    if (f.type === Type.GetChunk && f.body.length >= 36) {
      this.stats.chunkRequests++;
      this.log.add({ proxy: this.name, conn, kind: 'request', type: f.type, index: f.body.readUInt32BE(32) });
    } else {
      this.log.add({ proxy: this.name, conn, kind: 'request', type: f.type });
    }
  }

  #downstreamItem(f: WireFrame, conn: number): Item {
    if (f.type === Type.Manifest && this.options.forgeManifest) {
      const forged = this.#forge(f.body);
      if (forged) {
        this.log.add({ proxy: this.name, conn, kind: 'manifest-forged', type: Type.Manifest });
        return { bytes: frame(f.type, forged), offset: 0 };
      }
    }
    if (f.type !== Type.Chunk || f.body.length < 37) {
      return { bytes: frame(f.type, f.body), offset: 0 };
    }
    const index = f.body.readUInt32BE(32);
    const corrupt = this.options.corrupt !== undefined && this.random.next() < this.options.corrupt;
    const body = Buffer.from(f.body);
    if (corrupt) {
      const at = 36 + this.random.int(0, body.length - 37);
      body[at] = (body[at] as number) ^ (1 << this.random.int(0, 7));
      this.stats.corrupted++;
    }
    return { bytes: frame(f.type, body), offset: 0, chunk: { index, corrupted: corrupt } };
  }
}
