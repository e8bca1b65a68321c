// Milestones 1 and 5: one HTTP service done right. Health and readiness endpoints, a JSON log
// line per request, graceful shutdown that drains in-flight requests; then (milestone 5) a
// correlation id on every request and RED metrics in the Prometheus text format.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CORRELATION_HEADER,
  HEALTH_PATH,
  HttpError,
  INSTANCE_HEADER,
  METRICS_PATH,
  READY_PATH,
  matchRoute,
  readJsonBody,
  type Reply,
  type Route,
} from './http.ts';
import type { Logger } from './log.ts';
import { MetricsRegistry } from './metrics.ts';

export interface ServiceOptions {
  /** The service's name: `service` label of metrics. */
  readonly name: string;
  readonly instanceId: string;
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  readonly routes: readonly Route[];
  readonly log: Logger;
  /** How long shutdown() waits for in-flight requests before cutting them. */
  readonly shutdownGraceMs: number;
  /** An extra readiness condition; ready by default. */
  readonly ready?: () => boolean;
  /** Where metrics are kept (milestone 5); a new registry when absent. */
  readonly metrics?: MetricsRegistry;
}

export interface Service {
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly metrics: MetricsRegistry;
  /** Requests being handled now. */
  readonly inFlight: number;
  /** Graceful stop; resolves once every in-flight request has finished or was cut at the grace. */
  shutdown(): Promise<void>;
}

const ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The caller's correlation id when it is a sane one, else a new one. */
function correlationIdOf(req: IncomingMessage): string {
  const given = req.headers[CORRELATION_HEADER];
  return typeof given === 'string' && ID_PATTERN.test(given) ? given : randomUUID();
}

/**
 * Starts an HTTP server on `host:port` that answers:
 * - GET HEALTH_PATH: 200 `{"status":"ok"}` while the process runs (liveness: restart me if not);
 * - GET READY_PATH: 200 `{"status":"ready"}` when `ready()` holds and not shutting down, else 503
 *   (readiness: send me traffic or not);
 * - GET METRICS_PATH (milestone 5): the metrics registry in the Prometheus text format;
 * - the routes: the handler's reply as JSON (a thrown HttpError: its status and
 *   `{"error": message}`; anything else thrown: 500, logged); no route: 404 `{"error": …}`.
 * Every answer carries INSTANCE_HEADER and (milestone 5) CORRELATION_HEADER: the request's id if
 * it sent a sane one (1–128 of A–Z a–z 0–9 . _ -), else a new one; the handler's `log` carries it
 * as `correlationId`, and one `request` line is logged per request (method, route, status,
 * durationMs). Metrics (milestone 5): counter `http_requests_total{service,route,method,status}`
 * and histogram `http_request_duration_seconds{service,route,method}` (route: the pattern, or
 * "unmatched"), health, readiness and metrics requests excluded.
 * Logs `listening` with `port` once it listens (the harness waits for that line).
 *
 * shutdown(): readiness turns 503, new connections are refused, idle keep-alive connections
 * closed; requests in flight finish (their answers say `connection: close`); after
 * shutdownGraceMs the rest are cut. Logs `draining` (with `inFlight`) first and `stopped` last.
 */
export function startService(options: ServiceOptions): Promise<Service> {
  const { log, name } = options;
  const metrics = options.metrics ?? new MetricsRegistry();
  const requests = metrics.counter('http_requests_total', 'HTTP requests handled.', ['service', 'route', 'method', 'status']);
  const durations = metrics.histogram('http_request_duration_seconds', 'Time to answer an HTTP request.', ['service', 'route', 'method'], DURATION_BUCKETS);
  let inFlight = 0;
  let draining = false;
  let idle: (() => void) | undefined;

  const send = (res: ServerResponse, reply: Reply, correlationId: string): void => {
    const text = typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'content-type': typeof reply.body === 'string' ? 'text/plain; version=0.0.4; charset=utf-8' : 'application/json',
      [INSTANCE_HEADER]: options.instanceId,
      [CORRELATION_HEADER]: correlationId,
      ...(draining ? { connection: 'close' } : {}),
      ...reply.headers,
    });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://service');
    const correlationId = correlationIdOf(req);
    if (method === 'GET' && url.pathname === HEALTH_PATH) {
      return send(res, { status: 200, body: { status: 'ok' } }, correlationId);
    }
    if (method === 'GET' && url.pathname === READY_PATH) {
      const ready = !draining && (options.ready?.() ?? true);
      return send(res, { status: ready ? 200 : 503, body: { status: draining ? 'draining' : ready ? 'ready' : 'not ready' } }, correlationId);
    }
    if (method === 'GET' && url.pathname === METRICS_PATH) {
      return send(res, { status: 200, body: metrics.render() }, correlationId);
    }
    const requestLog = log.child({ correlationId });
    const match = matchRoute(options.routes, method, url.pathname);
    const route = match?.route.path ?? 'unmatched';
    let reply: Reply;
    try {
      if (!match) {
        throw new HttpError(404, `no route for ${method} ${url.pathname}`);
      }
      const body = await readJsonBody(req);
      reply = await match.route.handler({ req, method, url, params: match.params, body, correlationId, log: requestLog });
    } catch (error) {
      if (error instanceof HttpError) {
        reply = { status: error.status, body: { error: error.message } };
      } else {
        requestLog.error('handler failed', { error: error instanceof Error ? error.message : String(error), route });
        reply = { status: 500, body: { error: 'internal error' } };
      }
    }
    send(res, reply, correlationId);
    const seconds = (performance.now() - started) / 1000;
    requests.inc({ service: name, route, method, status: String(reply.status) });
    durations.observe({ service: name, route, method }, seconds);
    requestLog.info('request', { method, route, status: reply.status, durationMs: Math.round(seconds * 1000) });
  };

  const server = createServer((req, res) => {
    inFlight++;
    res.on('close', () => {
      inFlight--;
      if (inFlight === 0) {
        idle?.();
      }
    });
    handle(req, res).catch((error: unknown) => {
      log.error('cannot answer', { error: String(error) });
      res.destroy();
    });
  });

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      draining = true;
      log.info('draining', { inFlight });
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        let timer: NodeJS.Timeout | undefined;
        const drained = new Promise<boolean>((resolve) => {
          idle = () => resolve(true);
          timer = setTimeout(() => resolve(false), options.shutdownGraceMs);
        });
        if (!(await drained)) {
          log.warn('grace expired, cutting requests', { inFlight });
        }
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await closed;
      log.info('stopped');
    })();
    return stopping;
  };

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const port = (server.address() as AddressInfo).port;
      log.info('listening', { port, host: options.host, instanceId: options.instanceId });
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        metrics,
        get inFlight() {
          return inFlight;
        },
        shutdown,
      });
    });
  });
}

/**
 * On SIGTERM or SIGINT, once: runs `before` (deregistration: stop being sent traffic), then
 * shutdown(), then `after` (closing clients), and exits 0; 1 if any of them threw.
 */
export function exitOnSignals(service: Service, log: Logger, before: () => Promise<void>, after: () => Promise<void>): void {
  let once = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (once) {
      return;
    }
    once = true;
    log.info('signal', { signal });
    (async () => {
      await before();
      await service.shutdown();
      await after();
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
