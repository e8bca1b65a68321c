// A linearizability checker for one key's history (Herlihy & Wing 1990 for the definition; the
// search is Wing & Gong's 1993, plus a cache of explored states): find an order of the
// operations that respects real time (an operation that ended before another started comes
// first) and that a single register would produce. Each step takes one of the "minimal"
// operations (none ended before it started); a set of (operations done, register value) already
// explored is never explored again, which keeps histories of a few hundred operations fast.
// Unknown operations may take effect at any time after they started, or never.
import { describe, type Operation } from './history.ts';
import { attachToTest } from './runs.ts';

const STATE_BUDGET = 500_000;

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly undecided?: boolean };

/** Is this single-key history linearizable? Failed operations (no effect) and unanswered reads are left out. */
export function checkRegister(history: readonly Operation[]): Verdict {
  const ops = relevant(history);
  const known = ops.filter((o) => o.outcome === 'ok').length;
  const done = new Uint8Array(ops.length);
  const seen = new Set<string>();
  let explored = 0;
  const search = (value: string | null, remaining: number): boolean | undefined => {
    if (remaining === 0) {
      return true;
    }
    if (++explored > STATE_BUDGET) {
      return undefined;
    }
    let minimalEnd = Infinity;
    for (let i = 0; i < ops.length; i++) {
      if (!done[i]) {
        minimalEnd = Math.min(minimalEnd, (ops[i] as Operation).end);
      }
    }
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as Operation;
      if (done[i] || op.start > minimalEnd) {
        continue;
      }
      if (op.op === 'get' && op.output !== value) {
        continue;
      }
      const next = op.op === 'put' ? (op.value as string) : op.op === 'delete' ? null : value;
      done[i] = 1;
      const state = `${Buffer.from(done).toString('base64')}|${next === null ? '\u0000' : next}`;
      if (!seen.has(state)) {
        seen.add(state);
        const found = search(next, remaining - (op.outcome === 'ok' ? 1 : 0));
        if (found !== false) {
          done[i] = 0;
          return found;
        }
      }
      done[i] = 0;
    }
    return false;
  };
  const found = search(null, known);
  return found === true ? { ok: true } : { ok: false, ...(found === undefined ? { undecided: true } : {}) };
}

function relevant(history: readonly Operation[]): Operation[] {
  return history
    .filter((o) => o.outcome === 'ok' || (o.outcome === 'unknown' && o.op !== 'get'))
    .map((o) => (o.outcome === 'unknown' ? { ...o, end: Infinity } : o))
    .sort((a, b) => a.start - b.start);
}

/**
 * A small history that is still not linearizable: the shortest prefix in time that fails, then
 * every operation removed that can go without making it pass (a put stays while a kept get
 * returns its value, or the story would no longer make sense). The removal goes over the history
 * again until a pass removes nothing: a put kept because of a get that a later step removed can
 * go on the next pass (one pass left 23 operations where 2 told the story).
 */
export function minimalViolation(history: readonly Operation[]): Operation[] {
  const ops = relevant(history);
  const ends = [...new Set(ops.filter((o) => Number.isFinite(o.end)).map((o) => o.end))].sort((a, b) => a - b);
  const prefix = (time: number): Operation[] =>
    ops
      .filter((o) => o.start <= time)
      .flatMap((o) => (o.end <= time ? [o] : o.op === 'get' ? [] : [{ ...o, end: Infinity, outcome: 'unknown' as const }]));
  let low = 0;
  let high = ends.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (checkRegister(prefix(ends[middle] as number)).ok) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  let kept = prefix(ends[low] ?? Infinity);
  for (let removed = true; removed; ) {
    removed = false;
    for (let i = 0; i < kept.length; ) {
      const candidate = kept[i] as Operation;
      const readLater = candidate.op === 'put' && kept.some((o) => o.op === 'get' && o.output === candidate.value);
      const without = kept.filter((_, j) => j !== i);
      if (!readLater && !checkRegister(without).ok) {
        kept = without;
        removed = true;
      } else {
        i++;
      }
    }
  }
  return kept;
}

/** The plain-text report of a violation on one key. */
export function explainViolation(key: string, history: readonly Operation[]): string {
  const minimal = minimalViolation(history);
  attachToTest(`timeline-${key.replace(/[^\w.-]/g, '_')}.txt`, timeline(key, minimal));
  return [
    `key ${key}: the history is not linearizable. A smallest part of it that no single copy of the key could produce` +
      ` (${minimal.length} of ${history.length} operations; times since the run began, "?" = no answer):`,
    ...minimal.map((o) => `  ${describe(o)}`),
  ].join('\n');
}

function operationText(o: Operation): string {
  return o.op === 'put' ? `put ${JSON.stringify(o.value)}` : o.op;
}

function answerText(o: Operation): string {
  return o.op === 'get' ? `-> ${JSON.stringify(o.output)}` : o.outcome;
}

/**
 * A history as a space-time diagram: one column per client, time running down; each operation from
 * its invocation (┌) to its answer (└), │ while it is in flight. For .runs/ (harness/runs.ts).
 */
export function timeline(key: string, ops: readonly Operation[]): string {
  const clients = [...new Set(ops.map((o) => o.client))];
  type Row = { time: number; client: string; text: string; order: number };
  const rows: Row[] = [];
  for (const o of ops) {
    rows.push({ time: o.start, client: o.client, text: `┌ ${operationText(o)}`, order: 1 });
    rows.push(Number.isFinite(o.end) ? { time: o.end, client: o.client, text: `└ ${answerText(o)}`, order: 0 } : { time: Infinity, client: o.client, text: '└ ? no answer (took effect or not)', order: 0 });
  }
  rows.sort((a, b) => a.time - b.time || a.order - b.order);
  const width = Math.max(12, ...rows.map((row) => row.text.length + 1), ...clients.map((c) => c.length + 1));
  const inFlight = (client: string, time: number): boolean => ops.some((o) => o.client === client && o.start < time && time < o.end);
  const cell = (text: string) => ` ${text.padEnd(width)}|`;
  const lines = [
    `key ${key}: a smallest part of the history no single copy of the key could produce (${ops.length} operations).`,
    'One column per client, time running down (ms since the run began): ┌ the call, └ its answer, │ in flight.',
    'Find the read that returned a value no order of the writes around it explains.',
    '',
    `${'time'.padStart(9)} |${clients.map((client) => cell(client)).join('')}`,
    `${'-'.repeat(10)}|${clients.map(() => `${'-'.repeat(width + 1)}|`).join('')}`,
  ];
  for (const row of rows) {
    const time = Number.isFinite(row.time) ? row.time.toFixed(1).padStart(9) : '        ?';
    lines.push(`${time} |${clients.map((client) => cell(client === row.client ? row.text : inFlight(client, row.time) ? '│' : '')).join('')}`);
  }
  return `${lines.join('\n')}\n`;
}
