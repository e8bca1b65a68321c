// A fault-injecting TCP proxy for one direction of traffic: from every node to one other node, and
// from the clients to each node. It reads the protocol's lines (one JSON message each) and, per
// message, can drop it, delay it, or deliver it twice; blocked, it swallows every message both
// ways while keeping the connections open, which is what a partition looks like from inside: no
// error, just silence. It counts the messages it carries, for the messages-per-operation figure.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Random } from './random.ts';
import { recordMessage } from './runs.ts';

export interface Faults {
  /** Probability that a message is lost. */
  readonly drop: number;
  /** Probability that a message is delivered twice. */
  readonly duplicate: number;
  /** Each message waits a random time in this range (ms); order is kept. */
  readonly delayMs: readonly [number, number];
}

export const NO_FAULTS: Faults = { drop: 0, duplicate: 0, delayMs: [0, 0] };

export class LinkProxy {
  readonly name: string;
  readonly port: number;
  /** Where the traffic goes: the node's own port, unknown until it first printed READY. */
  target: number | undefined;
  faults: Faults = NO_FAULTS;
  #blocked = false;
  #messages = 0;
  readonly #server: Server;
  readonly #random: Random;
  readonly #sockets = new Set<Socket>();

  private constructor(name: string, server: Server, random: Random) {
    this.name = name;
    this.#server = server;
    this.#random = random;
    this.port = (server.address() as { port: number }).port;
  }

  static async start(name: string, random: Random): Promise<LinkProxy> {
    const server = createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: 0, host: '127.0.0.1' }, resolve);
    });
    const proxy = new LinkProxy(name, server, random);
    server.on('connection', (socket) => proxy.#accept(socket));
    return proxy;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Messages carried so far (both directions, duplicates counted, dropped ones not). */
  get messages(): number {
    return this.#messages;
  }

  get blocked(): boolean {
    return this.#blocked;
  }

  /** Partition: from now on every message either way is swallowed. */
  block(): void {
    if (!this.#blocked) {
      recordMessage(this.name, 'FAULT link cut: every message is swallowed from now on');
    }
    this.#blocked = true;
  }

  heal(): void {
    if (this.#blocked) {
      recordMessage(this.name, 'FAULT link healed');
    }
    this.#blocked = false;
  }

  /** Cuts every open connection (the node behind it died, or a test wants fresh connections). */
  resetConnections(): void {
    for (const socket of this.#sockets) {
      socket.destroy();
    }
  }

  async close(): Promise<void> {
    this.resetConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(downstream: Socket): void {
    this.#sockets.add(downstream);
    downstream.on('close', () => this.#sockets.delete(downstream));
    downstream.on('error', () => {});
    if (this.target === undefined) {
      downstream.destroy();
      return;
    }
    const upstream = connect({ host: '127.0.0.1', port: this.target, noDelay: true });
    this.#sockets.add(upstream);
    upstream.on('close', () => {
      this.#sockets.delete(upstream);
      downstream.destroy();
    });
    upstream.on('error', () => {});
    downstream.on('close', () => upstream.destroy());
    this.#relay(downstream, upstream, '->');
    this.#relay(upstream, downstream, '<-');
  }

  /** Copies messages from one socket to the other, applying the faults line by line, in order. */
  #relay(from: Socket, to: Socket, direction: '->' | '<-'): void {
    let partial = '';
    let lastDue = 0;
    const queue: { due: number; text: string }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      const now = Date.now();
      let text = '';
      while (queue.length > 0 && (queue[0] as { due: number }).due <= now) {
        text += (queue.shift() as { text: string }).text;
      }
      if (text !== '' && !to.destroyed) {
        to.write(text);
      }
      if (queue.length > 0) {
        timer = setTimeout(flush, Math.max(0, (queue[0] as { due: number }).due - now));
      }
    };
    from.setEncoding('utf8');
    from.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() as string;
      const now = Date.now();
      for (const line of lines) {
        if (this.#blocked || this.#random.next() < this.faults.drop) {
          recordMessage(this.name, `${direction} ${this.#blocked ? 'SWALLOWED (partition)' : 'DROPPED'} ${line}`);
          continue;
        }
        const copies = this.#random.next() < this.faults.duplicate ? 2 : 1;
        this.#messages += copies;
        const [low, high] = this.faults.delayMs;
        lastDue = Math.max(lastDue, now + (high > 0 ? this.#random.int(low, high) : 0));
        const fate = `${copies === 2 ? 'TWICE ' : ''}${lastDue > now ? `delayed ${lastDue - now} ms ` : ''}`;
        recordMessage(this.name, `${direction} ${fate}${line}`);
        queue.push({ due: lastDue, text: `${line}\n`.repeat(copies) });
      }
      if (timer === undefined && queue.length > 0) {
        if ((queue[0] as { due: number }).due <= now) {
          flush();
        } else {
          timer = setTimeout(flush, (queue[0] as { due: number }).due - now);
        }
      }
    });
    from.on('close', () => clearTimeout(timer));
  }
}
