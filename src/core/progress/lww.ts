// The learner's progress as a last-writer-wins map, a state-based CRDT: each item keeps the record
// with the greatest hybrid-clock stamp. Merging is commutative, associative and idempotent, so
// windows, journals and synced copies can be folded in any order, any number of times, and agree.
import type { StampedRecord } from './codec';

export type RecordMap = ReadonlyMap<string, StampedRecord>;

/** Whether `a` wins over `b`: the greater stamp; equal stamps (one writer) by content, so the choice never depends on order. */
export function wins(a: StampedRecord, b: StampedRecord): boolean {
  if (a.stamp !== b.stamp) {
    return a.stamp > b.stamp;
  }
  return !sameContent(a, b) && canonical(a) > canonical(b);
}

export function mergeRecord(a: StampedRecord | undefined, b: StampedRecord | undefined): StampedRecord | undefined {
  if (!a) {
    return b;
  }
  if (!b) {
    return a;
  }
  return wins(b, a) ? b : a;
}

/** The join of any number of maps. Returns the first map itself when nothing else adds to it. */
export function mergeMaps(...maps: RecordMap[]): RecordMap {
  const [first, ...rest] = maps;
  if (!first) {
    return new Map();
  }
  let result: Map<string, StampedRecord> | undefined;
  for (const map of rest) {
    for (const [id, record] of map) {
      const current = (result ?? first).get(id);
      if (!current || wins(record, current)) {
        result ??= new Map(first);
        result.set(id, record);
      }
    }
  }
  return result ?? first;
}

/** The ids whose records differ between two maps. */
export function changedIds(before: RecordMap, after: RecordMap): string[] {
  const ids = new Set([...before.keys(), ...after.keys()]);
  return [...ids].filter((id) => {
    const a = before.get(id);
    const b = after.get(id);
    return a?.stamp !== b?.stamp || (a && b && !sameContent(a, b));
  });
}

/** Whether `map` already holds everything `other` would add. */
export function covers(map: RecordMap, other: RecordMap): boolean {
  for (const [id, record] of other) {
    const mine = map.get(id);
    if (!mine || wins(record, mine)) {
      return false;
    }
  }
  return true;
}

function canonical(record: StampedRecord): string {
  const evidence = record.evidence ? Object.entries(record.evidence).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
  return JSON.stringify([record.state, record.at, record.origin, evidence]);
}

/** Equal state, time, origin and evidence: the usual case of one record read from two places, checked without serializing. */
function sameContent(a: StampedRecord, b: StampedRecord): boolean {
  if (a === b) {
    return true;
  }
  if (a.state !== b.state || a.at !== b.at || a.origin !== b.origin) {
    return false;
  }
  if (!a.evidence || !b.evidence) {
    return a.evidence === b.evidence || canonical(a) === canonical(b);
  }
  const keys = Object.keys(a.evidence);
  return keys.length === Object.keys(b.evidence).length && keys.every((key) => Object.hasOwn(b.evidence!, key) && a.evidence![key] === b.evidence![key]);
}
