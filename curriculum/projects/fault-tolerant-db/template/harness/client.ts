// The clients of the checks: each sends one operation at a time, tags it with its name and a
// sequence number (so a node can recognise a retry), and retries until a deadline: at once to the
// leader a node names, otherwise to the next node after an exponential back-off with full jitter.
// Every operation lands in the History with when it started and ended and what came back.
import { connect, type Socket } from 'node:net';
import { definitelyNotApplied, readLines, splitAddress, type ClientReply } from '../src/protocol.ts';
import type { History } from './history.ts';
import type { Random } from './random.ts';

export interface ClientOptions {
  /** One attempt waits this long for an answer; default 500 ms. */
  readonly attemptTimeoutMs?: number;
  /** The whole operation gives up after this long and counts as unknown; default 5000 ms. */
  readonly deadlineMs?: number;
  /** Back-off before a retry: base × 2^attempt, capped, times a random factor in [0, 1). */
  readonly backoffBaseMs?: number;
  readonly backoffCapMs?: number;
}

/** One line-protocol connection: requests matched to replies by id. */
export class Connection {
  readonly #socket: Socket;
  readonly #pending = new Map<number, (reply: ClientReply | undefined) => void>();
  #nextId = 1;
  #closed = false;

  constructor(address: string) {
    const [host, port] = splitAddress(address);
    this.#socket = connect({ host, port, noDelay: true });
    this.#socket.on('error', () => {});
    this.#socket.on('close', () => {
      this.#closed = true;
      for (const settle of this.#pending.values()) {
        settle(undefined);
      }
      this.#pending.clear();
    });
    readLines(this.#socket, (message) => {
      const reply = message as ClientReply;
      this.#pending.get(reply.id)?.(reply);
      this.#pending.delete(reply.id);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The reply, or undefined if none came in time or the connection broke. */
  call(body: Record<string, unknown>, timeoutMs: number): Promise<ClientReply | undefined> {
    if (this.#closed) {
      return Promise.resolve(undefined);
    }
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve(undefined);
      }, timeoutMs);
      this.#pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.#socket.write(`${JSON.stringify({ ...body, id })}\n`);
    });
  }

  close(): void {
    this.#socket.destroy();
  }
}

let instances = 0;

export type Answer = { readonly ok: true; readonly value: string | null } | { readonly ok: false; readonly outcome: 'fail' | 'unknown'; readonly error: string };

export class KvClient {
  readonly name: string;
  /** The name on the wire: unique per client object, so a node never takes a new client's operations for retries of an old one's. */
  readonly #identity: string;
  readonly #addresses: ReadonlyMap<string, string>;
  readonly #random: Random;
  readonly #history: History | undefined;
  readonly #options: Required<ClientOptions>;
  readonly #connections = new Map<string, Connection>();
  readonly #leaderOf = new Map<string, string>();
  #seq = 0;
  #rotation = 0;

  /** `addresses`: node id → where this client reaches it (a harness proxy, or the node itself). */
  constructor(name: string, addresses: ReadonlyMap<string, string>, random: Random, history?: History, options: ClientOptions = {}) {
    this.name = name;
    this.#identity = `${name}-${process.pid}-${++instances}`;
    this.#addresses = addresses;
    this.#random = random;
    this.#history = history;
    this.#options = { attemptTimeoutMs: 500, deadlineMs: 5000, backoffBaseMs: 10, backoffCapMs: 250, ...options };
    this.#rotation = random.int(0, Math.max(0, addresses.size - 1));
  }

  get(key: string): Promise<Answer> {
    return this.#run({ op: 'get', key });
  }

  put(key: string, value: string): Promise<Answer> {
    return this.#run({ op: 'put', key, value });
  }

  delete(key: string): Promise<Answer> {
    return this.#run({ op: 'delete', key });
  }

  close(): void {
    for (const connection of this.#connections.values()) {
      connection.close();
    }
  }

  async #run(request: { op: 'get' | 'put' | 'delete'; key: string; value?: string }): Promise<Answer> {
    const seq = ++this.#seq;
    const start = this.#history?.now() ?? 0;
    const deadline = Date.now() + this.#options.deadlineMs;
    const nodes = [...this.#addresses.keys()];
    let mayHaveApplied = false;
    let lastError = 'no answer';
    let target = this.#leaderOf.get(request.key) ?? (nodes[this.#rotation % nodes.length] as string);
    let attempt = 0;
    let held = 0;
    for (; Date.now() < deadline; attempt++) {
      const reply = await this.#connection(target).call({ ...request, client: this.#identity, seq }, Math.min(this.#options.attemptTimeoutMs, Math.max(1, deadline - Date.now())));
      if (reply?.ok) {
        this.#leaderOf.set(request.key, target);
        const value = reply.value ?? null;
        this.#record(request, start, { attempts: attempt + 1, held }, 'ok', value);
        return { ok: true, value };
      }
      if (reply && reply.error === 'bad-request') {
        this.#record(request, start, { attempts: attempt + 1, held }, mayHaveApplied ? 'unknown' : 'fail');
        return { ok: false, outcome: mayHaveApplied ? 'unknown' : 'fail', error: reply.message ?? 'bad request' };
      }
      mayHaveApplied ||= !reply || !definitelyNotApplied(reply.error);
      lastError = reply ? reply.error : 'no answer in time';
      if (!reply || reply.error === 'unavailable') {
        held++;
      }
      if (reply && reply.error === 'not-leader' && reply.leader && reply.leader !== target && this.#addresses.has(reply.leader) && attempt % 4 !== 3) {
        target = reply.leader; // a named leader is worth trying at once, a few hops at most
        continue;
      }
      this.#rotation++;
      target = nodes[this.#rotation % nodes.length] as string;
      this.#leaderOf.delete(request.key);
      const backoff = Math.min(this.#options.backoffCapMs, this.#options.backoffBaseMs * 2 ** Math.min(attempt, 10)) * this.#random.next();
      await new Promise((resolve) => setTimeout(resolve, Math.min(backoff, Math.max(0, deadline - Date.now()))));
    }
    const outcome = mayHaveApplied ? 'unknown' : 'fail';
    this.#record(request, start, { attempts: attempt, held }, outcome);
    return { ok: false, outcome, error: lastError };
  }

  #connection(node: string): Connection {
    let connection = this.#connections.get(node);
    if (!connection || connection.closed) {
      connection = new Connection(this.#addresses.get(node) as string);
      this.#connections.set(node, connection);
    }
    return connection;
  }

  #record(request: { op: 'get' | 'put' | 'delete'; key: string; value?: string }, start: number, tries: { attempts: number; held: number }, outcome: 'ok' | 'fail' | 'unknown', output?: string | null): void {
    if (this.#history) {
      const end = outcome === 'unknown' ? Infinity : this.#history.now();
      this.#history.record({ client: this.name, ...request, start, end, outcome, ...tries, ...(outcome === 'ok' ? { output } : {}) });
    }
  }
}
