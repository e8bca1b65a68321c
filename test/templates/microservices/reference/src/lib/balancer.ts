// Milestone 3: client-side load balancing. The caller spreads requests over the instances it
// knows, round robin, and stops sending to one that just failed to answer (passive health
// checking) until the registry has had time to drop it or it comes back.
import type { InstanceSource } from './discovery.ts';

export interface BalancerOptions {
  /** How long an instance that failed is skipped. */
  readonly ejectMs: number;
  readonly now?: () => number;
}

/**
 * pick(): the next instance in round-robin order among the source's current URLs, skipping those
 * in `exclude` (already tried by this call) and those ejected less than ejectMs ago. When every
 * instance not excluded is ejected, an ejected one is returned anyway (better a likely failure
 * than none); when every instance is excluded, or there is none, undefined.
 * reportFailure(url) ejects an instance; reportSuccess(url) brings it back at once.
 */
export class Balancer {
  readonly #source: InstanceSource;
  readonly #ejectMs: number;
  readonly #now: () => number;
  readonly #ejected = new Map<string, number>();
  #next = 0;

  constructor(source: InstanceSource, options: BalancerOptions) {
    this.#source = source;
    this.#ejectMs = options.ejectMs;
    this.#now = options.now ?? Date.now;
  }

  pick(exclude: ReadonlySet<string> = new Set()): string | undefined {
    const candidates = this.#source.current().filter((url) => !exclude.has(url));
    if (candidates.length === 0) {
      return undefined;
    }
    const now = this.#now();
    const healthy = candidates.filter((url) => now - (this.#ejected.get(url) ?? -Infinity) >= this.#ejectMs);
    const pool = healthy.length > 0 ? healthy : candidates;
    const chosen = pool[this.#next % pool.length] as string;
    this.#next = (this.#next + 1) % 1_000_000_007;
    return chosen;
  }

  reportFailure(url: string): void {
    this.#ejected.set(url, this.#now());
  }

  reportSuccess(url: string): void {
    this.#ejected.delete(url);
  }
}
