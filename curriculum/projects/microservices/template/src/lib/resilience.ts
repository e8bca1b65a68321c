// Milestone 4: the building blocks of resilient calls. Back-off with jitter spreads the retries
// of many callers that failed together; a circuit breaker stops calling a dependency that keeps
// failing, so callers fail fast instead of piling up behind it.

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** The back-off cap before the first retry; doubles for each further retry. */
  readonly baseMs: number;
  /** No back-off exceeds this. */
  readonly maxMs: number;
}

/**
 * The wait before retry number `retry` (1 for the first retry): exponential back-off with jitter, a
 * random wait within [0, cap] where cap = min(maxMs, baseMs × 2^(retry − 1)). Full jitter, uniform
 * in [0, cap), is the usual choice; the tests accept any jitter within [0, cap] whose waits spread
 * over a tenth of the cap or more and grow with the cap. `random()` returns a float in [0, 1).
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  throw new Error('TODO(milestone 4): exponential back-off with jitter (full jitter, for one) in backoffDelay (src/lib/resilience.ts). Read first: "Resiliency patterns", "Retries and control loops".');
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  readonly threshold: number;
  /** How long it stays open before letting one trial call through. */
  readonly coolDownMs: number;
  readonly now?: () => number;
}

/**
 * closed: every call allowed; `threshold` consecutive failures open it (a success resets the
 * count). open: no call allowed until coolDownMs have passed since it opened; then it is
 * half-open. half-open: exactly one trial call allowed (allow() returns true once, false while
 * the trial is out); its success closes the breaker, its failure opens it again for coolDownMs.
 */
export class CircuitBreaker {
  constructor(options: BreakerOptions) {}

  get state(): BreakerState {
    throw new Error('TODO(milestone 4): the breaker\'s state in CircuitBreaker (src/lib/resilience.ts). Read first: "Resiliency patterns", "Retries and control loops".');
  }

  /** Whether a call may go now; in half-open, true for the one trial call. */
  allow(): boolean {
    throw new Error('TODO(milestone 4): CircuitBreaker.allow (src/lib/resilience.ts). Read first: "Resiliency patterns", "Retries and control loops".');
  }

  onSuccess(): void {
    throw new Error('TODO(milestone 4): CircuitBreaker.onSuccess (src/lib/resilience.ts). Read first: "Resiliency patterns", "Retries and control loops".');
  }

  onFailure(): void {
    throw new Error('TODO(milestone 4): CircuitBreaker.onFailure (src/lib/resilience.ts). Read first: "Resiliency patterns", "Retries and control loops".');
  }
}
