// Milestones 3 to 5: calling another service. Each call picks an instance through the balancer,
// bounds every attempt with a timeout, retries what is safe to retry on another instance after a
// jittered back-off, fails fast while the circuit breaker is open, and carries the correlation id
// and the idempotency key on every attempt.
// Given: fetchJson, HttpError, CORRELATION_HEADER and IDEMPOTENCY_HEADER in http.ts.
import type { ClientResponse } from './http.ts';
import type { Balancer } from './balancer.ts';
import type { Logger } from './log.ts';
import type { MetricsRegistry } from './metrics.ts';
import type { CircuitBreaker, RetryPolicy } from './resilience.ts';

export interface UpstreamOptions {
  /** The service called, e.g. "catalog": `target` label of metrics. */
  readonly name: string;
  readonly balancer: Balancer;
  readonly log: Logger;
  /** Bound on one attempt, connection to last byte. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly breaker: CircuitBreaker;
  readonly metrics?: MetricsRegistry;
  /** Float in [0, 1) for the jitter; Math.random by default. */
  readonly random?: () => number;
  /** How back-offs are waited; a timer by default (tests record the waits instead). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface CallOptions {
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly correlationId?: string;
  /** Sent as IDEMPOTENCY_HEADER; makes a POST safe to retry. */
  readonly idempotencyKey?: string;
  /** The caller's request logger (it carries the correlation id). */
  readonly log?: Logger;
}

/**
 * call(method, path, options) sends one request to an instance the balancer picks, and answers
 * its response (any status below 500, or the last 5xx once attempts run out).
 * - Milestone 3: a connection error reports the instance to the balancer and, for a request that
 *   is safe to retry, tries another instance (not one this call already tried, while there is
 *   one). Safe: GET, HEAD, PUT, DELETE, OPTIONS, and any request with an idempotency key.
 *   No instance at all: HttpError 503. Connection errors on every attempt: HttpError 502.
 * - Milestone 4: each attempt times out after timeoutMs (HttpError 504 if it was the last); a
 *   502, 503 or 504 answer is retried like a connection error; at most retry.attempts attempts,
 *   and before retry n a wait of backoffDelay(n, retry, random) through `sleep`. The breaker:
 *   asked before every attempt (allow(); if not: HttpError 503 at once, no request sent), told of
 *   each attempt's outcome (a 5xx, a timeout or a connection error is a failure).
 * - Milestone 5: every attempt carries CORRELATION_HEADER (and IDEMPOTENCY_HEADER when given);
 *   counters `upstream_requests_total{target,outcome}` (outcome: ok, error, timeout or the 5xx
 *   status) and `upstream_retries_total{target}`.
 */
export class Upstream {
  readonly #options: UpstreamOptions;

  constructor(options: UpstreamOptions) {
    this.#options = options;
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<ClientResponse> {
    throw new Error('TODO(milestone 3): call an instance chosen by the balancer, failing over, in Upstream.call (src/lib/upstream.ts). Read first: "Load balancing and dynamic scaling".');
  }
}
