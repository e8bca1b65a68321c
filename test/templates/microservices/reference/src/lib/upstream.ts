// Milestones 3 to 5: calling another service. Each call picks an instance through the balancer,
// bounds every attempt with a timeout, retries what is safe to retry on another instance after a
// jittered back-off, fails fast while the circuit breaker is open, and carries the correlation id
// and the idempotency key on every attempt.
import { CORRELATION_HEADER, HttpError, IDEMPOTENCY_HEADER, fetchJson, type ClientResponse } from './http.ts';
import type { Balancer } from './balancer.ts';
import type { Logger } from './log.ts';
import type { MetricsRegistry } from './metrics.ts';
import { backoffDelay, type CircuitBreaker, type RetryPolicy } from './resilience.ts';

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

const SAFE_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const RETRYABLE_STATUS = new Set([502, 503, 504]);

const sleepTimer = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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
    const { name, balancer, breaker, retry } = this.#options;
    const log = options.log ?? this.#options.log;
    const random = this.#options.random ?? Math.random;
    const sleep = this.#options.sleep ?? sleepTimer;
    const requests = this.#options.metrics?.counter('upstream_requests_total', 'Attempts to call another service, by outcome.', ['target', 'outcome']);
    const retries = this.#options.metrics?.counter('upstream_retries_total', 'Attempts that were retries.', ['target']);
    const retryable = SAFE_METHODS.has(method) || options.idempotencyKey !== undefined;
    const headers: Record<string, string> = {};
    if (options.correlationId !== undefined) {
      headers[CORRELATION_HEADER] = options.correlationId;
    }
    if (options.idempotencyKey !== undefined) {
      headers[IDEMPOTENCY_HEADER] = options.idempotencyKey;
    }
    const tried = new Set<string>();
    let last: { error: HttpError } | { response: ClientResponse } = { error: new HttpError(503, `no instance of ${name}`) };
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
      if (attempt > 1) {
        if (!retryable) {
          break;
        }
        retries?.inc({ target: name });
        await sleep(backoffDelay(attempt - 1, retry, random));
      }
      if (!breaker.allow()) {
        throw new HttpError(503, `${name}: circuit open, failing fast`);
      }
      const url = balancer.pick(tried) ?? balancer.pick();
      if (url === undefined) {
        throw new HttpError(503, `no instance of ${name}`);
      }
      tried.add(url);
      try {
        const response = await fetchJson(`${url}${path}`, { method, headers, body: options.body, signal: AbortSignal.timeout(this.#options.timeoutMs) });
        if (response.status >= 500) {
          breaker.onFailure();
          requests?.inc({ target: name, outcome: String(response.status) });
          last = { response };
          log.warn('upstream answered an error', { target: name, url, status: response.status, attempt });
          if (!RETRYABLE_STATUS.has(response.status)) {
            break;
          }
          continue;
        }
        breaker.onSuccess();
        balancer.reportSuccess(url);
        requests?.inc({ target: name, outcome: 'ok' });
        return response;
      } catch (error) {
        breaker.onFailure();
        balancer.reportFailure(url);
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        requests?.inc({ target: name, outcome: timedOut ? 'timeout' : 'error' });
        last = { error: new HttpError(timedOut ? 504 : 502, `${name} at ${url}: ${timedOut ? `no answer within ${this.#options.timeoutMs} ms` : String(error)}`) };
        log.warn('upstream call failed', { target: name, url, attempt, error: last.error.message });
      }
    }
    if ('response' in last) {
      return last.response;
    }
    throw last.error;
  }
}
