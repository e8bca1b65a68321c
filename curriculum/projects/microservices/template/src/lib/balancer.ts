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
  constructor(source: InstanceSource, options: BalancerOptions) {}

  pick(exclude: ReadonlySet<string> = new Set()): string | undefined {
    throw new Error('TODO(milestone 3): choose an instance, round robin over the healthy ones, in Balancer.pick (src/lib/balancer.ts). Read first: "Load balancing and dynamic scaling".');
  }

  reportFailure(url: string): void {
    throw new Error('TODO(milestone 3): eject a failed instance in Balancer.reportFailure (src/lib/balancer.ts). Read first: "Load balancing and dynamic scaling".');
  }

  reportSuccess(url: string): void {
    throw new Error('TODO(milestone 3): bring an instance back in Balancer.reportSuccess (src/lib/balancer.ts). Read first: "Load balancing and dynamic scaling".');
  }
}
