// What clients did and saw, with timestamps: the raw material of every check and figure. An
// operation is `ok` (acknowledged), `fail` (the cluster promised it had no effect) or `unknown`
// (no answer in time: it may take effect at any moment after it started, or never).
import { performance } from 'node:perf_hooks';
import { recordOperation } from './runs.ts';

export interface Operation {
  readonly client: string;
  readonly op: 'get' | 'put' | 'delete';
  readonly key: string;
  /** The value a put writes. */
  readonly value?: string;
  /** Milliseconds since the history began. */
  readonly start: number;
  readonly end: number;
  readonly outcome: 'ok' | 'fail' | 'unknown';
  /** What an acknowledged get returned (null: no such key). */
  readonly output?: string | null;
  /** How many requests the client sent for it (1: answered at the first try). */
  readonly attempts?: number;
  /** How many of them the cluster held without serving: no answer in time, or `unavailable` (a refusal naming another node is not one). */
  readonly held?: number;
}

export class History {
  readonly ops: Operation[] = [];
  readonly #origin = performance.now();
  readonly #logged: boolean;
  #acknowledged = 0;
  #waiters: { count: number; wake: () => void }[] = [];
  #watchers: { match: (operation: Operation) => boolean; wake: (operation: Operation) => void }[] = [];

  /** `logged`: each operation also goes to .runs/…/history.log (harness/runs.ts); the simulator's histories do not. */
  constructor(logged = true) {
    this.#logged = logged;
  }

  now(): number {
    return performance.now() - this.#origin;
  }

  record(operation: Operation): void {
    this.ops.push(operation);
    if (this.#logged) {
      recordOperation(describe(operation));
    }
    if (operation.outcome === 'ok') {
      this.#acknowledged++;
    }
    this.#waiters = this.#waiters.filter((waiter) => {
      if (this.#acknowledged >= waiter.count) {
        waiter.wake();
        return false;
      }
      return true;
    });
    if (operation.outcome === 'ok') {
      this.#watchers = this.#watchers.filter((watcher) => {
        if (watcher.match(operation)) {
          watcher.wake(operation);
          return false;
        }
        return true;
      });
    }
  }

  /** Resolves with the next acknowledged operation that `match` accepts: how a test waits for service to return. */
  nextAcknowledged(match: (operation: Operation) => boolean): Promise<Operation> {
    return new Promise((wake) => this.#watchers.push({ match, wake }));
  }

  /** Resolves once `count` operations in all have been acknowledged: how faults are timed. */
  acknowledged(count: number): Promise<void> {
    if (this.#acknowledged >= count) {
      return Promise.resolve();
    }
    return new Promise((wake) => this.#waiters.push({ count, wake }));
  }
}

/** One operation as a line of plain text, for failure messages. */
export function describe(operation: Operation): string {
  const time = `${operation.start.toFixed(1).padStart(8)} .. ${Number.isFinite(operation.end) ? operation.end.toFixed(1).padStart(8) : '       ?'} ms`;
  const what =
    operation.op === 'put'
      ? `put ${operation.key} = ${JSON.stringify(operation.value)}`
      : operation.op === 'delete'
        ? `delete ${operation.key}`
        : `get ${operation.key}${operation.outcome === 'ok' ? ` -> ${JSON.stringify(operation.output)}` : ''}`;
  return `${time}  ${operation.client.padEnd(8)} ${what.padEnd(30)} ${operation.outcome}`;
}

export interface Figures {
  readonly operations: number;
  readonly acknowledged: number;
  readonly seconds: number;
  readonly throughput: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly messagesPerOperation: number;
  /** For each crash: from the SIGKILL until every key touched afterwards was served again. */
  readonly recoveryMs: readonly number[];
}

export function computeFigures(ops: readonly Operation[], nodeMessages: number, crashes: readonly number[]): Figures {
  const acknowledged = ops.filter((o) => o.outcome === 'ok');
  const latencies = acknowledged.map((o) => o.end - o.start).sort((a, b) => a - b);
  const first = Math.min(...ops.map((o) => o.start));
  const last = Math.max(...ops.filter((o) => Number.isFinite(o.end)).map((o) => o.end));
  const seconds = ops.length > 0 ? (last - first) / 1000 : 0;
  return {
    operations: ops.length,
    acknowledged: acknowledged.length,
    seconds,
    throughput: seconds > 0 ? acknowledged.length / seconds : 0,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    messagesPerOperation: ops.length > 0 ? nodeMessages / ops.length : 0,
    recoveryMs: crashes.map((at) => recoveryAfter(ops, at)),
  };
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
}

/** The longest wait, over keys with operations started after the crash, until one of them was acknowledged. */
function recoveryAfter(ops: readonly Operation[], crashAt: number): number {
  let worst = 0;
  for (const key of new Set(ops.map((o) => o.key))) {
    const after = ops.filter((o) => o.key === key && o.start >= crashAt);
    const served = after.filter((o) => o.outcome === 'ok').map((o) => o.end);
    if (after.length > 0) {
      worst = Math.max(worst, (served.length > 0 ? Math.min(...served) : Math.max(...after.map((o) => (Number.isFinite(o.end) ? o.end : o.start)))) - crashAt);
    }
  }
  return worst;
}

export function formatFigures(label: string, figures: Figures): string {
  const recovery = figures.recoveryMs.length > 0 ? `, recovery after crash ${figures.recoveryMs.map((ms) => `${ms.toFixed(0)} ms`).join(' / ')}` : '';
  return (
    `[figures] ${label}: ${figures.operations} operations (${figures.acknowledged} acknowledged) in ${figures.seconds.toFixed(2)} s, ` +
    `${figures.throughput.toFixed(0)} ops/s, latency p50 ${figures.p50Ms.toFixed(1)} ms p99 ${figures.p99Ms.toFixed(1)} ms, ` +
    `${figures.messagesPerOperation.toFixed(1)} node-to-node messages per operation${recovery}`
  );
}
