// Milestones 1 and 5: one HTTP service done right. Health and readiness endpoints, a JSON log
// line per request, graceful shutdown that drains in-flight requests; then (milestone 5) a
// correlation id on every request and RED metrics in the Prometheus text format.
// Given helpers: http.ts (paths, headers, matchRoute, readJsonBody, HttpError), log.ts.
import type { Route } from './http.ts';
import type { Logger } from './log.ts';
import type { MetricsRegistry } from './metrics.ts';

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
  throw new Error('TODO(milestone 1): serve health, readiness and routes, and drain on shutdown in startService (src/lib/service.ts). Read first: "The application lifecycle and graceful shutdown", "Application configuration".');
}

/**
 * On SIGTERM or SIGINT, once: runs `before` (deregistration: stop being sent traffic), then
 * shutdown(), then `after` (closing clients), and exits 0; 1 if any of them threw.
 */
export function exitOnSignals(service: Service, log: Logger, before: () => Promise<void>, after: () => Promise<void>): void {
  throw new Error('TODO(milestone 1): shut down gracefully on SIGTERM in exitOnSignals (src/lib/service.ts). Read first: "The application lifecycle and graceful shutdown", "Application configuration".');
}
