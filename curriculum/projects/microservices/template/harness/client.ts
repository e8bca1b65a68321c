// The harness's own HTTP client (never yours): one request on a fresh connection, the whole
// answer, and how long it took. Network errors resolve too, as status 0, so load runs count them.
import { request } from 'node:http';

export interface Answer {
  /** 0 when no HTTP answer came (connection refused, reset, timeout). */
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  readonly json: unknown;
  readonly error?: string;
  readonly ms: number;
}

export interface Ask {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

export function ask(url: string, options: Ask = {}): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const req = request(url, {
      method: options.method ?? 'GET',
      agent: false,
      headers: { ...options.headers, ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) },
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const fail = (error: Error): void =>
      resolve({ status: 0, headers: {}, text: '', json: undefined, error: error.message, ms: performance.now() - started });
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text) as unknown;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, ms: performance.now() - started });
      });
    });
    req.end(payload);
  });
}

/** Polls `read` until `check` holds; fails with the last value after timeoutMs. */
export async function eventually<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Waits for `promise`, but not forever: after timeoutMs (far more than a working solution needs,
 * so a slow machine only makes a test longer) it rejects with `what`, which names what was awaited
 * and what to build. A bound on a wait, never a judgement of how fast something was.
 */
export async function within<T>(what: string, promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} (waited ${timeoutMs} ms)`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
