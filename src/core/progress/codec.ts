// Reads every stored shape of the learner's progress (migrating older versions and salvaging
// what it can from damaged or newer ones) and writes the current one. Never throws.
import { isRecord } from '../util/guards';

export type ItemState = 'done' | 'not-done';
export type Origin = 'self-reported' | 'verified';

export interface ProgressRecord {
  readonly state: ItemState;
  /** ISO 8601 time of the last change. */
  readonly at: string;
  readonly origin: Origin;
  /** What proved a verified completion (test counts, commit, …). */
  readonly evidence?: Readonly<Record<string, string | number>>;
}

export const PROGRESS_SCHEMA_VERSION = 2;

/** The value kept under the progress key. */
export interface StoredProgress {
  readonly version: typeof PROGRESS_SCHEMA_VERSION;
  readonly records: Readonly<Record<string, ProgressRecord>>;
}

/**
 * Version 1, the pre-release shape: completion times only, every one self-reported.
 * `{ version: 1, completed: { [id]: isoTime } }`
 */
interface StoredProgressV1 {
  readonly version: 1;
  readonly completed: Readonly<Record<string, string>>;
}

export interface DecodeResult {
  readonly records: Map<string, ProgressRecord>;
  /** What was wrong, in words for the learner; empty when the value was sound. */
  readonly problems: string[];
  /** True when the raw value must be kept aside before it is replaced. */
  readonly setAside: boolean;
  /** The version migrated from, when it was older than the current one. */
  readonly migratedFrom?: number;
}

export function encodeProgress(records: ReadonlyMap<string, ProgressRecord>): StoredProgress {
  return { version: PROGRESS_SCHEMA_VERSION, records: Object.fromEntries(records) };
}

export function decodeStoredProgress(raw: unknown): DecodeResult {
  if (raw === undefined) {
    return { records: new Map(), problems: [], setAside: false };
  }
  if (!isRecord(raw)) {
    return damaged(new Map(), [`the stored progress is ${describe(raw)}, not an object`]);
  }
  const version = raw.version;
  if (version === 1) {
    return decodeV1(raw as unknown as StoredProgressV1);
  }
  if (version === PROGRESS_SCHEMA_VERSION) {
    const { records, problems } = decodeRecords(raw.records);
    return problems.length > 0 ? damaged(records, problems) : { records, problems, setAside: false };
  }
  // Unknown or newer version: salvage every record this version understands, keep the rest aside.
  const { records, problems } = decodeRecords(raw.records);
  const why =
    typeof version === 'number' && Number.isInteger(version) && version > PROGRESS_SCHEMA_VERSION
      ? `the stored progress was written by a newer version of the extension (format ${version})`
      : `the stored progress has no known format version (found ${describe(version)})`;
  return damaged(records, [why, ...problems]);
}

function decodeV1(raw: StoredProgressV1): DecodeResult {
  const records = new Map<string, ProgressRecord>();
  const problems: string[] = [];
  if (!isRecord(raw.completed)) {
    return damaged(records, ['the stored progress (format 1) has no list of completed items']);
  }
  for (const [id, at] of Object.entries(raw.completed)) {
    if (typeof at === 'string' && isIsoTime(at)) {
      records.set(id, { state: 'done', at, origin: 'self-reported' });
    } else {
      problems.push(`item "${id}" has an unreadable completion time ${describe(at)}`);
    }
  }
  return { records, problems, setAside: problems.length > 0, migratedFrom: 1 };
}

function decodeRecords(raw: unknown): { records: Map<string, ProgressRecord>; problems: string[] } {
  const records = new Map<string, ProgressRecord>();
  if (!isRecord(raw)) {
    return { records, problems: [`the stored progress has no records (found ${describe(raw)})`] };
  }
  const problems: string[] = [];
  for (const [id, value] of Object.entries(raw)) {
    const record = decodeRecord(value);
    if (record) {
      records.set(id, record);
    } else {
      problems.push(`the record of "${id}" is unreadable`);
    }
  }
  return { records, problems };
}

function decodeRecord(value: unknown): ProgressRecord | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  const { state, at, origin, evidence } = value;
  if ((state !== 'done' && state !== 'not-done') || typeof at !== 'string' || !isIsoTime(at)) {
    return undefined;
  }
  if (origin !== 'self-reported' && origin !== 'verified') {
    return undefined;
  }
  if (evidence === undefined) {
    return { state, at, origin };
  }
  if (!isRecord(evidence) || !Object.values(evidence).every((v) => typeof v === 'string' || typeof v === 'number')) {
    return undefined;
  }
  return { state, at, origin, evidence: evidence as Record<string, string | number> };
}

function damaged(records: Map<string, ProgressRecord>, problems: string[]): DecodeResult {
  return { records, problems, setAside: true };
}

function isIsoTime(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value) && !Number.isNaN(Date.parse(value));
}

function describe(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'string') {
    return `the text ${JSON.stringify(value.length > 30 ? `${value.slice(0, 27)}...` : value)}`;
  }
  if (value === undefined) {
    return 'nothing';
  }
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
