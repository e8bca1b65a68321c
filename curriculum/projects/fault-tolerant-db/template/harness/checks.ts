// The verdicts on a history: every acknowledged write is still there at the end, no read returned
// a value already overwritten before it began (a stale read, as after a careless failover), and
// every key's history is linearizable. Each returns the problems as plain text, none when fine.
import { describe, type Operation } from './history.ts';
import { checkRegister, explainViolation } from './linearizability.ts';

const writes = (ops: readonly Operation[]) => ops.filter((o) => o.op !== 'get' && o.outcome !== 'fail');
const valueOf = (o: Operation): string | null => (o.op === 'put' ? (o.value as string) : null);

/**
 * `final` holds each key's value read once the run was over and the cluster healed. It must be
 * the value of a write that no acknowledged write certainly followed: otherwise that acknowledged
 * write was lost.
 */
export function lostWrites(ops: readonly Operation[], final: ReadonlyMap<string, string | null>): string[] {
  const problems: string[] = [];
  for (const [key, value] of final) {
    const keyWrites = writes(ops.filter((o) => o.key === key));
    const candidates = keyWrites.filter((w) => valueOf(w) === value);
    const lastAcknowledged = keyWrites.filter((w) => w.outcome === 'ok').sort((a, b) => b.end - a.end)[0];
    if (!lastAcknowledged) {
      continue;
    }
    // Some write with the final value must not have ended before the last acknowledged write began.
    const possible = candidates.some((w) => !(w.end < lastAcknowledged.start));
    if (!possible) {
      problems.push(`acknowledged write lost: ${describe(lastAcknowledged).trim()}, but at the end ${key} is ${JSON.stringify(value)}`);
    }
  }
  return problems;
}

/** Reads that returned a value overwritten by an acknowledged write that ended before the read began. */
export function staleReads(ops: readonly Operation[]): string[] {
  const problems: string[] = [];
  for (const read of ops.filter((o) => o.op === 'get' && o.outcome === 'ok')) {
    const keyWrites = writes(ops.filter((o) => o.key === read.key));
    const sources = keyWrites.filter((w) => valueOf(w) === read.output);
    const newer = keyWrites.find((w) => w.outcome === 'ok' && w.end < read.start && valueOf(w) !== read.output && sources.every((s) => s.end < w.start));
    // A value no write produced is the linearizability check's to explain, not a stale read.
    if (newer && (sources.length > 0 || read.output === null)) {
      problems.push(`stale read: ${describe(read).trim()}, though ${describe(newer).trim()} had ended before it began`);
    }
  }
  return problems;
}

/** One explanation, with a minimal offending history, per key whose history is not linearizable. */
export function nonLinearizableKeys(ops: readonly Operation[]): string[] {
  const problems: string[] = [];
  for (const key of [...new Set(ops.map((o) => o.key))].sort()) {
    const history = ops.filter((o) => o.key === key);
    const verdict = checkRegister(history);
    if (!verdict.ok) {
      problems.push(verdict.undecided ? `key ${key}: the checker gave up (history too tangled to decide); treat it as a violation` : explainViolation(key, history));
    }
  }
  return problems;
}

/** All three checks; throws one error listing every problem found. */
export function assertConsistent(ops: readonly Operation[], final: ReadonlyMap<string, string | null>): void {
  const problems = [...lostWrites(ops, final), ...staleReads(ops), ...nonLinearizableKeys(ops)];
  if (problems.length > 0) {
    throw new Error(`${problems.length} problem(s) in a history of ${ops.length} operations:\n${problems.slice(0, 6).join('\n')}`);
  }
}
