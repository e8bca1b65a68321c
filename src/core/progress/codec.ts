// Reads every stored shape of the learner's progress (migrating older versions and salvaging
// what it can from damaged or newer ones) and writes the current one: the synced summary kept in
// globalState and the lines of a window's journal. Never throws.
import * as l10n from '@vscode/l10n';
import { isRecord } from '../util/guards';
import { formatStamp, isStamp, MAX_WALL, stampWall, withinClockBound } from './hlc';

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

/** A record with its hybrid-clock stamp (hlc.ts): the greater stamp wins a merge. */
export interface StampedRecord extends ProgressRecord {
  readonly stamp: string;
}

export const PROGRESS_SCHEMA_VERSION = 3;

/** The value kept under the progress key (format 3). */
export interface StoredProgress {
  readonly version: typeof PROGRESS_SCHEMA_VERSION;
  readonly records: Readonly<Record<string, StampedRecord>>;
}

/** Node id of the stamps given to records migrated from formats without stamps. */
export const MIGRATED_NODE = 'migrated';

// Earlier formats, read and migrated on open:
// 2: `{ version: 2, records: { [id]: { state, at, origin, evidence? } } }`, records without stamps.
// 1: `{ version: 1, completed: { [id]: isoTime } }`, below.

/**
 * Version 1, the pre-release shape: completion times only, every one self-reported.
 * `{ version: 1, completed: { [id]: isoTime } }`
 */
interface StoredProgressV1 {
  readonly version: 1;
  readonly completed: Readonly<Record<string, string>>;
}

export interface DecodeResult {
  readonly records: Map<string, StampedRecord>;
  /** What was wrong, in words for the learner; empty when the value was sound. */
  readonly problems: string[];
  /** True when the raw value must be kept aside before it is replaced. */
  readonly setAside: boolean;
  /** The version migrated from, when it was older than the current one. */
  readonly migratedFrom?: number;
}

export function encodeProgress(records: ReadonlyMap<string, StampedRecord>): StoredProgress {
  return { version: PROGRESS_SCHEMA_VERSION, records: Object.fromEntries(records) };
}

/** A record as the rest of the extension sees it: without its stamp. */
export function unstamped(record: StampedRecord): ProgressRecord {
  const { state, at, origin, evidence } = record;
  return evidence ? { state, at, origin, evidence } : { state, at, origin };
}

/**
 * Given when records come from elsewhere: a record stamped more than MAX_CLOCK_AHEAD_MS ahead of
 * this machine's clock (`now`, in milliseconds) is unreadable (hlc.ts says why).
 */
export interface StampBound {
  readonly now: number;
  /**
   * Records refused before (`id stamp`), which stay refused though the clock has moved on since:
   * one refused a moment ago must not come back, within the bound by then, over what the learner
   * did meanwhile. Refusals are added to it.
   */
  readonly refused?: Set<string>;
}

type ClockNow = StampBound | undefined;

export function decodeStoredProgress(raw: unknown, now?: ClockNow): DecodeResult {
  if (raw === undefined) {
    return { records: new Map(), problems: [], setAside: false };
  }
  if (!isRecord(raw)) {
    return damaged(new Map(), [l10n.t('the stored progress is {0}, not an object', describe(raw))]);
  }
  const version = raw.version;
  if (version === 1) {
    return decodeV1(raw as unknown as StoredProgressV1, now);
  }
  if (version === 2) {
    const { records, problems } = decodeRecords(raw.records, false, now);
    return { records, problems, setAside: problems.length > 0, migratedFrom: 2 };
  }
  if (version === PROGRESS_SCHEMA_VERSION) {
    const { records, problems } = decodeRecords(raw.records, true, now);
    return problems.length > 0 ? damaged(records, problems) : { records, problems, setAside: false };
  }
  // Unknown or newer version: salvage every record this version understands, keep the rest aside.
  const { records, problems } = decodeRecords(raw.records, true, now);
  const why =
    typeof version === 'number' && Number.isInteger(version) && version > PROGRESS_SCHEMA_VERSION
      ? l10n.t('the stored progress was written by a newer version of the extension (format {0})', version)
      : l10n.t('the stored progress has no known format version (found {0})', describe(version));
  return damaged(records, [why, ...problems]);
}

function decodeV1(raw: StoredProgressV1, now: ClockNow): DecodeResult {
  const records = new Map<string, StampedRecord>();
  const problems: string[] = [];
  if (!isRecord(raw.completed)) {
    return damaged(records, [l10n.t('the stored progress (format 1) has no list of completed items')]);
  }
  for (const [id, at] of Object.entries(raw.completed)) {
    const ahead = typeof at === 'string' && isIsoTime(at) ? aheadOf(migratedStamp(at), id, now) : undefined;
    if (ahead) {
      problems.push(ahead);
    } else if (typeof at === 'string' && isIsoTime(at)) {
      records.set(id, { state: 'done', at, origin: 'self-reported', stamp: migratedStamp(at) });
    } else {
      problems.push(l10n.t('item "{0}" has an unreadable completion time {1}', id, describe(at)));
    }
  }
  return { records, problems, setAside: problems.length > 0, migratedFrom: 1 };
}

function decodeRecords(raw: unknown, stamped: boolean, now: ClockNow): { records: Map<string, StampedRecord>; problems: string[] } {
  const records = new Map<string, StampedRecord>();
  if (!isRecord(raw)) {
    return { records, problems: [l10n.t('the stored progress has no records (found {0})', describe(raw))] };
  }
  const problems: string[] = [];
  for (const [id, value] of Object.entries(raw)) {
    const record = decodeRecord(value, stamped);
    const ahead = record && aheadOf(record.stamp, id, now);
    if (ahead) {
      problems.push(ahead);
    } else if (record) {
      records.set(id, record);
    } else {
      problems.push(l10n.t('the record of "{0}" is unreadable', id));
    }
  }
  return { records, problems };
}

/** A record of format 3 (`stamped`) or 2 (stamped here from its time); undefined when unreadable. */
export function decodeRecord(value: unknown, stamped = true): StampedRecord | undefined {
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
  const stamp = stamped ? value.stamp : migratedStamp(at);
  if (!isStamp(stamp)) {
    return undefined;
  }
  if (evidence === undefined) {
    return { state, at, origin, stamp };
  }
  if (!isRecord(evidence) || !Object.values(evidence).every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) {
    return undefined;
  }
  return { state, at, origin, evidence: evidence as Record<string, string | number>, stamp };
}

/** Records of earlier formats are ordered by their time, below any stamp written in the same millisecond. */
function migratedStamp(at: string): string {
  return formatStamp({ wall: Math.min(Math.max(Date.parse(at), 0), MAX_WALL), counter: 0, node: MIGRATED_NODE });
}

/** Why a record from elsewhere is refused for its stamp, or undefined when the stamp is within the bound. */
function aheadOf(stamp: string, id: string, now: ClockNow): string | undefined {
  if (now === undefined) {
    return undefined;
  }
  const key = `${id} ${stamp}`;
  if (withinClockBound(stamp, now.now) && !now.refused?.has(key)) {
    return undefined;
  }
  now.refused?.add(key);
  const ahead = stampWall(stamp) - now.now;
  const days = Math.max(1, Math.floor(ahead / (24 * 60 * 60 * 1000)));
  const span = days === 1 ? 'a day' : `${days.toLocaleString('en')} days`;
  return l10n.t('the record of "{0}" is stamped {1} ahead of this computer\'s clock, so it would outrank every change you make for that long', id, span);
}

// ---- Journal lines: `{"v":3,"id":"<item>","r":{…record…}}` one per line, appended by one window.

export interface JournalEntry {
  readonly id: string;
  readonly record: StampedRecord;
}

export function encodeJournalLine(id: string, record: StampedRecord): string {
  return `${JSON.stringify({ v: PROGRESS_SCHEMA_VERSION, id, r: record })}\n`;
}

export interface JournalDecodeResult {
  readonly entries: JournalEntry[];
  /** Lines that could not be read, with their 1-based line numbers; the torn tail is not one. */
  readonly problems: string[];
  /** A last line without its newline: a write cut off by a crash. */
  readonly tornTail: boolean;
}

export function decodeJournal(text: string, now?: ClockNow): JournalDecodeResult {
  const lines = text.split('\n');
  const tail = lines.pop() ?? '';
  const entries: JournalEntry[] = [];
  const problems: string[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') {
      return;
    }
    const entry = decodeJournalLine(line, now);
    if (typeof entry === 'string') {
      problems.push(`line ${index + 1}: ${entry}`);
    } else {
      entries.push(entry);
    }
  });
  // A torn tail is dropped unless it happens to be a whole entry whose newline did not make it.
  let tornTail = false;
  if (tail.trim() !== '') {
    const entry = decodeJournalLine(tail, now);
    if (typeof entry === 'string') {
      tornTail = true;
    } else {
      entries.push(entry);
    }
  }
  return { entries, problems, tornTail };
}

/** An entry, or why the line cannot be read. */
function decodeJournalLine(line: string, now: ClockNow): JournalEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return l10n.t('not JSON');
  }
  if (!isRecord(value) || typeof value.id !== 'string' || value.id === '') {
    return l10n.t('not a progress entry');
  }
  if (typeof value.v !== 'number' || !Number.isInteger(value.v) || value.v < PROGRESS_SCHEMA_VERSION) {
    return l10n.t('unknown format {0}', describe(value.v));
  }
  const record = decodeRecord(value.r);
  if (!record) {
    return value.v > PROGRESS_SCHEMA_VERSION
      ? l10n.t('written by a newer version of the extension (format {0}) in a shape this one cannot read', value.v)
      : l10n.t('the record of "{0}" is unreadable', value.id);
  }
  return aheadOf(record.stamp, value.id, now) ?? { id: value.id, record };
}

function damaged(records: Map<string, StampedRecord>, problems: string[]): DecodeResult {
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
    return l10n.t('the text {0}', JSON.stringify(value.length > 30 ? `${value.slice(0, 27)}...` : value));
  }
  if (value === undefined) {
    return 'nothing';
  }
  return typeof value === 'object' ? l10n.t('an object') : `${typeof value} ${JSON.stringify(value)}`;
}
