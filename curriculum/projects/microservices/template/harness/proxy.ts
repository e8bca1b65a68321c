// An HTTP proxy placed in front of a service instance: it injects what real networks and real
// dependencies do, seeded so a failing run replays exactly. Per request it may add latency,
// answer 503 itself (an overloaded dependency), reset the connection before forwarding (a dead
// one), or forward the request and lose the response (the worst case: the work was done, the
// caller cannot know). It records every request in one ordered log shared by the proxies of a
// test, with the headers that matter (correlation id, idempotency key), so tests check
// behaviour from what crossed the wire.
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Random } from './random.ts';
import { recordMessage } from './runs.ts';

export type Fate = 'forward' | 'error' | 'drop-response' | 'reset';

export interface Faults {
  /** Added before the request goes on: a fixed delay, or [min, max] drawn per request. */
  readonly latencyMs?: number | readonly [number, number];
  /** Share of requests the proxy answers 503 itself, never forwarded. */
  readonly errorRate?: number;
  /** Share of requests forwarded whose response is then lost (connection cut). */
  readonly dropResponseRate?: number;
  /** Share of requests whose connection is reset before anything is forwarded. */
  readonly resetRate?: number;
  /** Decides the fate of a request instead of the rates (return undefined to use them). */
  readonly decide?: (request: ProxyRequest) => Fate | undefined;
}

export interface ProxyRequest {
  readonly method: string;
  readonly path: string;
  readonly correlationId?: string;
  readonly idempotencyKey?: string;
  /** How many requests with this idempotency key this proxy saw before this one. */
  readonly sameKeyBefore: number;
}

export interface ProxyEvent extends ProxyRequest {
  /** Position in the shared log: smaller happened first. */
  readonly seq: number;
  readonly proxy: string;
  readonly fate: Fate;
  /** performance.now() when the request arrived. */
  readonly at: number;
  /** The status the caller got (undefined: none, connection cut or target unreachable). */
  status?: number;
}

/** One ordered record shared by the proxies of a scenario. */
export class ProxyLog {
  readonly events: ProxyEvent[] = [];
  add(event: Omit<ProxyEvent, 'seq'>): ProxyEvent {
    const full = { seq: this.events.length + 1, ...event };
    this.events.push(full);
    return full;
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export class FaultProxy {
  readonly name: string;
  readonly log: ProxyLog;
  readonly #random: Random;
  readonly #server: Server;
  readonly #closing = new AbortController();
  readonly #keys = new Map<string, number>();
  #faults: Faults;
  #target: string | undefined;
  #targetWaiters: (() => void)[] = [];

  private constructor(server: Server, options: { name: string; random: Random; log?: ProxyLog; faults?: Faults }) {
    this.#server = server;
    this.name = options.name;
    this.#random = options.random;
    this.log = options.log ?? new ProxyLog();
    this.#faults = options.faults ?? {};
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.#handle(req, res).catch(() => res.destroy());
    });
  }

  /** Listens on 127.0.0.1 (a free port); requests wait until setTarget. */
  static start(options: { name: string; random: Random; log?: ProxyLog; faults?: Faults }): Promise<FaultProxy> {
    const server = createServer({ keepAliveTimeout: 1000 });
    const proxy = new FaultProxy(server, options);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(proxy));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The events of this proxy only, in order. */
  events(): ProxyEvent[] {
    return this.log.events.filter((event) => event.proxy === this.name);
  }

  setTarget(url: string): void {
    this.#target = url;
    const waiters = this.#targetWaiters;
    this.#targetWaiters = [];
    for (const wake of waiters) {
      wake();
    }
  }

  setFaults(faults: Faults): void {
    this.#faults = faults;
  }

  async close(): Promise<void> {
    this.#closing.abort();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #fate(request: ProxyRequest): Fate {
    const faults = this.#faults;
    const decided = faults.decide?.(request);
    if (decided) {
      return decided;
    }
    const draw = this.#random.next();
    let edge = faults.resetRate ?? 0;
    if (draw < edge) {
      return 'reset';
    }
    edge += faults.errorRate ?? 0;
    if (draw < edge) {
      return 'error';
    }
    edge += faults.dropResponseRate ?? 0;
    return draw < edge ? 'drop-response' : 'forward';
  }

  #latency(): number {
    const latency = this.#faults.latencyMs ?? 0;
    return typeof latency === 'number' ? latency : this.#random.int(latency[0], latency[1]);
  }

  async #sleep(ms: number): Promise<void> {
    if (ms > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.#closing.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const body = await readAll(req);
    const idempotencyKey = header(req.headers, 'idempotency-key');
    const sameKeyBefore = idempotencyKey === undefined ? 0 : (this.#keys.get(idempotencyKey) ?? 0);
    if (idempotencyKey !== undefined) {
      this.#keys.set(idempotencyKey, sameKeyBefore + 1);
    }
    const described: ProxyRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      correlationId: header(req.headers, 'x-correlation-id'),
      idempotencyKey,
      sameKeyBefore,
    };
    const fate = this.#fate(described);
    const event = this.log.add({ ...described, proxy: this.name, fate, at });
    const what = `${described.method} ${described.path}${described.correlationId ? ` correlation ${described.correlationId}` : ''}${idempotencyKey ? ` key ${idempotencyKey}` : ''}`;
    recordMessage(this.name, `-> ${what}: ${fate === 'forward' ? 'forwarded' : `FAULT ${fate}`}`);
    await this.#sleep(this.#latency());
    while (this.#target === undefined && !this.#closing.signal.aborted) {
      await new Promise<void>((resolve) => this.#targetWaiters.push(resolve));
    }
    if (this.#closing.signal.aborted || fate === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fate === 'error') {
      event.status = 503;
      res.writeHead(503, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ error: `injected by proxy ${this.name}` }));
      return;
    }
    const headers = { ...req.headers };
    delete headers.host;
    delete headers.connection;
    const upstream = request(`${this.#target}${described.path}`, { method: described.method, headers, agent: false, signal: this.#closing.signal });
    upstream.on('error', () => req.socket.destroy());
    upstream.on('response', (answer) => {
      readAll(answer).then(
        (text) => {
          recordMessage(this.name, `<- ${what}: ${answer.statusCode}${fate === 'drop-response' ? ', FAULT the proxy drops this answer' : ''}`);
          if (fate === 'drop-response') {
            req.socket.destroy();
            return;
          }
          event.status = answer.statusCode;
          const out = { ...answer.headers };
          delete out.connection;
          delete out['transfer-encoding'];
          out['content-length'] = String(text.length);
          res.writeHead(answer.statusCode ?? 502, out).end(text);
        },
        () => req.socket.destroy(),
      );
    });
    upstream.end(body);
  }
}
