// Bounded load: a fixed number of workers send requests one after another until a stop condition
// or a request cap, recording for each request when it started and ended, its status and the
// instance that served it. Figures (error rate, p50/p99 latency) are computed from the records.
import { ask, type Ask } from './client.ts';

export interface Sample {
  readonly index: number;
  /** performance.now() at send and at answer. */
  readonly start: number;
  readonly end: number;
  readonly status: number;
  /** Who answered: x-upstream-instance (through the gateway), else x-instance-id. */
  readonly instance?: string;
  readonly error?: string;
}

export interface LoadOptions {
  readonly url: (index: number) => string;
  readonly request?: (index: number) => Ask;
  readonly concurrency: number;
  /** Hard cap on requests. */
  readonly maxRequests: number;
  /** Checked before each request: true stops the load. */
  readonly stop?: () => boolean;
  /** Called after each answer (for instance to kill something after the 100th). */
  readonly onAnswer?: (sample: Sample, answered: number) => void;
}

export async function runLoad(options: LoadOptions): Promise<Sample[]> {
  const samples: Sample[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.maxRequests && !(options.stop?.() ?? false)) {
      const index = next++;
      const start = performance.now();
      const answer = await ask(options.url(index), { timeoutMs: 5000, ...options.request?.(index) });
      const instance = answer.headers['x-upstream-instance'] ?? answer.headers['x-instance-id'];
      const sample: Sample = {
        index,
        start,
        end: performance.now(),
        status: answer.status,
        instance: typeof instance === 'string' ? instance : undefined,
        error: answer.error ?? (answer.status >= 400 ? answer.text.slice(0, 200) : undefined),
      };
      samples.push(sample);
      options.onAnswer?.(sample, samples.length);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return samples.sort((a, b) => a.index - b.index);
}

export const failed = (sample: Sample): boolean => sample.status === 0 || sample.status >= 500;

/** The p-th percentile (0–100) by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export interface Figures {
  readonly requests: number;
  readonly failed: number;
  readonly errorRate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export function figures(samples: readonly Sample[]): Figures {
  const durations = samples.map((s) => s.end - s.start);
  const bad = samples.filter(failed).length;
  return {
    requests: samples.length,
    failed: bad,
    errorRate: samples.length === 0 ? 0 : bad / samples.length,
    p50Ms: percentile(durations, 50),
    p99Ms: percentile(durations, 99),
  };
}

export function formatFigures(label: string, f: Figures): string {
  return `${label}: ${f.requests} requests, ${f.failed} failed (${(f.errorRate * 100).toFixed(2)} %), p50 ${f.p50Ms.toFixed(1)} ms, p99 ${f.p99Ms.toFixed(1)} ms`;
}
