// The small HTTP vocabulary every service shares (given): well-known paths and headers, routes
// with `:param` patterns, JSON bodies, and a plain client on node:http that returns the whole
// answer. Resilience (timeouts, retries, breakers) is not here: it is yours, in upstream.ts.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { Logger } from './log.ts';

export const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';
export const METRICS_PATH = '/metrics';
export const CORRELATION_HEADER = 'x-correlation-id';
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Set by every service on its answers: which instance served the request. */
export const INSTANCE_HEADER = 'x-instance-id';
/** Set by the gateway: which instance of the service behind it answered. */
export const UPSTREAM_INSTANCE_HEADER = 'x-upstream-instance';

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly method: string;
  readonly url: URL;
  /** Values of the route's `:name` segments. */
  readonly params: Readonly<Record<string, string>>;
  /** The parsed JSON body (undefined when there is none). */
  readonly body: unknown;
  /** This request's correlation id (milestone 5; before that, any string). */
  readonly correlationId: string;
  /** A logger whose lines carry the correlation id. */
  readonly log: Logger;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (ctx: RequestContext) => Promise<Reply>;

export interface Route {
  readonly method: string;
  /** A path pattern such as `/products/:id`; also the `route` label of metrics. */
  readonly path: string;
  readonly handler: Handler;
}

/** An error a handler throws to answer with this status and `{"error": message}`. */
export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** The route whose method and pattern match, with the values of its parameters. */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): { route: Route; params: Record<string, string> } | undefined {
  const parts = pathname.split('/');
  for (const route of routes) {
    const pattern = route.path.split('/');
    if (route.method !== method || pattern.length !== parts.length) {
      continue;
    }
    const params: Record<string, string> = {};
    const matches = pattern.every((segment, i) => {
      const part = parts[i] as string;
      if (segment.startsWith(':')) {
        params[segment.slice(1)] = decodeURIComponent(part);
        return part !== '';
      }
      return segment === part;
    });
    if (matches) {
      return { route, params };
    }
  }
  return undefined;
}

const MAX_BODY = 1024 * 1024;

/** Reads a JSON body (at most 1 MiB); undefined when empty. Throws HttpError 400 or 413. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) {
      throw new HttpError(413, 'body too large');
    }
    chunks.push(chunk as Buffer);
  }
  if (size === 0) {
    return undefined;
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
}

export interface ClientRequest {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Aborting it destroys the request: how a timeout is made. */
  readonly signal?: AbortSignal;
}

export interface ClientResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The parsed body when it is JSON, else undefined. */
  readonly json: unknown;
}

/**
 * One HTTP request with node:http and a fresh connection (no keep-alive, so a killed instance
 * shows up as a connection error at once). Rejects on network errors and on abort; any status,
 * 500 included, resolves.
 */
export function fetchJson(url: string, options: ClientRequest = {}): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const req = httpRequest(url, {
      method: options.method ?? 'GET',
      agent: false,
      headers: { ...options.headers, ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) },
      signal: options.signal,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : (JSON.parse(text) as unknown);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.end(payload);
  });
}
