// Which files of progress this learner's own roadmap wrote: a backup or the workspace copy carries
// an HMAC of its records under the learner's signing key, a random key kept in globalState and
// carried to the learner's other machines by Settings Sync. A file without a valid signature
// (someone else's, or edited by hand) can still be imported, but what it marks verified counts
// only as marked done: a check passes on the learner's own machine or not at all.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { StampedRecord } from './codec';
import type { RecordMap } from './lww';

const SCHEME = 'hmac-sha256:';

/** A new signing key: 256 random bits, hex. */
export function newSigningKey(): string {
  return randomBytes(32).toString('hex');
}

export function isSigningKey(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

export function signRecords(key: string, records: RecordMap): string {
  return `${SCHEME}${createHmac('sha256', Buffer.from(key, 'hex')).update(canonicalText(records)).digest('hex')}`;
}

/** Whether `signature` is the one `key` gives these records (compared in constant time). */
export function isSignedBy(key: string, records: RecordMap, signature: unknown): boolean {
  if (typeof signature !== 'string' || !signature.startsWith(SCHEME)) {
    return false;
  }
  const expected = Buffer.from(signRecords(key, records));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A record as it may be taken from a file this learner's roadmap did not sign: never verified. */
export function withoutVerification(record: StampedRecord): StampedRecord {
  return record.origin === 'verified' ? { state: record.state, at: record.at, origin: 'self-reported', stamp: record.stamp } : record;
}

/** The records in one order and one spelling, whatever order the file had them in. */
function canonicalText(records: RecordMap): string {
  const sorted = [...records].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(
    sorted.map(([id, record]) => [
      id,
      record.state,
      record.at,
      record.origin,
      record.evidence ? Object.entries(record.evidence).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [],
      record.stamp,
    ]),
  );
}

/**
 * The learner's signing key from `storage` (a synced globalState key), made the first time. The
 * key is usable at once; `stored` settles when the storage took it (activation does not wait for
 * that round trip: a key lost to a crash before it was stored only means a new one next time, and
 * nothing was signed with it that outlives the session except files, which stay importable).
 */
export function ensureSigningKey(
  storage: { get(key: string): unknown; update(key: string, value: unknown): Thenable<void> | Promise<void> },
  key: string,
): { readonly key: string; readonly stored: Promise<void> } {
  const stored = storage.get(key);
  if (isSigningKey(stored)) {
    return { key: stored, stored: Promise.resolve() };
  }
  const made = newSigningKey();
  return { key: made, stored: Promise.resolve(storage.update(key, made)) };
}
