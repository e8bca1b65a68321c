// Corruption fuzz: stores damaged every way we know of — a synced summary that is not an object,
// of a newer or unknown format, with unreadable records; journals truncated mid-line, with
// garbage or binary lines, lines of a newer format this one cannot read — must always open (the
// store is what activation waits for), keep every record that a sound line or value still holds,
// keep the damaged data aside byte for byte, say so once, and go on recording.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeJournalLine, PROGRESS_SCHEMA_VERSION, type StampedRecord } from '../../../src/core/progress/codec';
import { formatStamp, MAX_WALL } from '../../../src/core/progress/hlc';
import { journalName } from '../../../src/core/progress/journal';
import { ProgressStore } from '../../../src/core/progress/store';
import { FakeMemento, steppingClock } from '../../fakes/memento';
import { MemoryJournal } from '../../fakes/memoryJournal';
import { atLeastShare, propertyRuns } from '../propertyRuns';

const RUNS = propertyRuns(1000, 'DS_ROADMAP_CORRUPTION_RUNS');
const KEY = 'dsRoadmap.progress';
const ASIDE = 'dsRoadmap.progress.setAside.';
const IDS = ['fundamentals', 'networks', 'fault-tolerance', 'scalability', 'cloud-native', 'projects', 'rpc', 'clocks', 'raft', 'file-sharing'];
const NOW = '2026-06-01T00:00:00.000Z';
const DAY = 24 * 60 * 60 * 1000;

const recordArb: fc.Arbitrary<StampedRecord> = fc
  .record({
    done: fc.boolean(),
    ms: fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2026-05-01T00:00:00Z') }),
    counter: fc.nat({ max: 5 }),
    node: fc.constantFrom('wa', 'wb', 'wc'),
    verified: fc.boolean(),
  })
  .map(({ done, ms, counter, node, verified }) => ({
    state: done ? 'done' : 'not-done',
    at: new Date(ms).toISOString(),
    origin: verified ? 'verified' : 'self-reported',
    ...(verified ? { evidence: { tests: 3 } } : {}),
    stamp: formatStamp({ wall: ms, counter, node }),
  }));

const entriesArb = fc.array(fc.tuple(fc.constantFrom(...IDS), recordArb), { maxLength: 8 });

/** Something that is surely not a readable record. */
const garbageRecordArb = fc.oneof(fc.constant(null), fc.string(), fc.integer(), fc.array(fc.nat()), fc.record({ state: fc.constant('maybe') }));

/** One damage done to the synced summary; `sound` lists what survives of it untouched. */
type SummaryCase = { value: unknown; damaged: boolean; sound: Array<[string, StampedRecord]> };

const summaryArb: fc.Arbitrary<SummaryCase> = fc.oneof(
  entriesArb.map((entries) => ({ value: { version: PROGRESS_SCHEMA_VERSION, records: Object.fromEntries(entries) }, damaged: false, sound: dedupe(entries) })),
  fc.constant<SummaryCase>({ value: undefined, damaged: false, sound: [] }),
  fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.jsonValue())).map((value) => ({ value, damaged: true, sound: [] })),
  fc.tuple(entriesArb, fc.integer({ min: PROGRESS_SCHEMA_VERSION + 1, max: 99 })).map(([entries, version]) => ({
    value: { version, records: Object.fromEntries(entries) },
    damaged: true,
    sound: dedupe(entries),
  })),
  fc.tuple(entriesArb, fc.oneof(fc.constant('3'), fc.constant(null), fc.double({ min: 0.1, max: 2.9, noInteger: true }))).map(([entries, version]) => ({
    value: { version, records: Object.fromEntries(entries) },
    damaged: true,
    sound: dedupe(entries),
  })),
  // A record stamped far ahead of this machine's clock, up to the top of the range (Settings Sync carried it from a hostile import).
  fc
    .tuple(entriesArb, fc.constantFrom(...IDS), fc.oneof(fc.integer({ min: Date.parse(NOW) + DAY + 1, max: MAX_WALL }), fc.constant(MAX_WALL)), fc.nat(999_999))
    .map(([entries, ahead, wall, counter]) => {
      const sound = dedupe(entries).filter(([id]) => id !== ahead);
      const far: StampedRecord = { state: 'done', at: NOW, origin: 'verified', evidence: { tests: 1 }, stamp: formatStamp({ wall, counter, node: 'far' }) };
      return { value: { version: PROGRESS_SCHEMA_VERSION, records: { ...Object.fromEntries(sound), [ahead]: far } }, damaged: true, sound };
    }),
  fc.tuple(entriesArb, fc.constantFrom(...IDS), garbageRecordArb).map(([entries, bad, garbage]) => {
    const sound = dedupe(entries).filter(([id]) => id !== bad);
    return { value: { version: PROGRESS_SCHEMA_VERSION, records: { ...Object.fromEntries(sound), [bad]: garbage } }, damaged: true, sound };
  }),
  fc.jsonValue().map((records) => ({ value: { version: PROGRESS_SCHEMA_VERSION, records }, damaged: !isEmptyObject(records), sound: [] })),
);

/** One journal file, line by line; a line is sound, damaged, or the torn tail a crash left. */
type Line = { text: string; entry?: [string, StampedRecord]; damaged: boolean };

const soundLineArb: fc.Arbitrary<Line> = fc
  .tuple(fc.constantFrom(...IDS), recordArb)
  .map(([id, record]) => ({ text: encodeJournalLine(id, record), entry: [id, record], damaged: false }));

const damagedLineArb: fc.Arbitrary<Line> = fc.oneof(
  // A line cut short, then something else written after it.
  fc.tuple(soundLineArb, fc.nat()).map(([line, cut]) => ({ text: `${line.text.slice(0, cut % (line.text.length - 1))}\u0000garbage\n`, damaged: true })),
  // Binary noise.
  fc
    .uint8Array({ minLength: 1, maxLength: 40 })
    .map((bytes) => ({ text: `\u0001${Buffer.from(bytes).toString('latin1').replace(/\n/g, '')}\n`, damaged: true })),
  // JSON that is not an entry.
  fc
    .jsonValue()
    .filter((value) => !(typeof value === 'object' && value !== null && !Array.isArray(value) && 'id' in value))
    .map((value) => ({ text: `${JSON.stringify(value)}\n`, damaged: true })),
  // A newer format in a shape this version cannot read.
  fc
    .tuple(fc.constantFrom(...IDS), fc.integer({ min: PROGRESS_SCHEMA_VERSION + 1, max: 99 }))
    .map(([id, v]) => ({ text: `${JSON.stringify({ v, id, r: { state: 'archived' } })}\n`, damaged: true })),
  // An older, unknown format.
  fc
    .tuple(soundLineArb, fc.integer({ min: -1, max: PROGRESS_SCHEMA_VERSION - 1 }))
    .map(([line, v]) => ({ text: line.text.replace(/^\{"v":3/, `{"v":${v}`), damaged: true })),
);

const journalArb = fc
  .tuple(
    fc.array(fc.oneof({ weight: 3, arbitrary: soundLineArb }, { weight: 1, arbitrary: damagedLineArb }), { maxLength: 10 }),
    fc.option(fc.tuple(soundLineArb, fc.nat()), { nil: undefined }),
  )
  .map(([lines, torn]) => {
    if (torn === undefined) {
      return lines;
    }
    // The torn tail: a last line a kill cut off before its newline.
    const [line, cut] = torn;
    return [...lines, { text: line.text.slice(0, 1 + (cut % (line.text.length - 2))), damaged: false }];
  });

function dedupe(entries: ReadonlyArray<[string, StampedRecord]>): Array<[string, StampedRecord]> {
  return [...new Map(entries)];
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

describe(`progress store corruption fuzz (${RUNS} damaged stores)`, function () {
  this.timeout(600_000); // a loaded machine slows the runs; no verdict rests on time
  it('always opens, keeps every sound record, keeps the damage aside, says so once and goes on', async () => {
    let damagedStores = 0;
    await fc.assert(
      fc.asyncProperty(summaryArb, fc.array(journalArb, { maxLength: 3 }), async (summary, journals) => {
        const memento = new FakeMemento(summary.value === undefined ? {} : { [KEY]: summary.value });
        const journal = new MemoryJournal();
        journals.forEach((lines, index) => {
          journal.files.set(journalName(`w${index}`), { text: lines.map((line) => line.text).join(''), modified: Date.parse(NOW) });
        });
        const originals = new Map([...journal.files].map(([name, file]) => [name, file.text]));
        const damagedJournals = new Set(journals.flatMap((lines, index) => (lines.some((line) => line.damaged) ? [journalName(`w${index}`)] : [])));
        const anyDamage = summary.damaged || damagedJournals.size > 0;
        damagedStores += anyDamage ? 1 : 0;

        const opened = await ProgressStore.open(memento, {
          key: KEY,
          setAsidePrefix: ASIDE,
          knownIds: new Set(IDS),
          journal,
          node: 'wnew',
          clock: steppingClock(NOW),
        });
        const { store } = opened;

        // Every sound record is there, or one that wins over it.
        const sound = [...summary.sound, ...journals.flatMap((lines) => lines.flatMap((line) => (line.entry ? [line.entry] : [])))];
        const kept = store.stampedEntries();
        for (const [id, record] of sound) {
          const now = kept.get(id);
          assert.ok(now && now.stamp >= record.stamp, `the record of ${id} (${record.stamp}) was lost`);
        }

        // The learner is told exactly when something was damaged.
        assert.equal(opened.problems.length > 0, anyDamage, `problems: ${JSON.stringify(opened.problems)}`);

        // Nothing damaged is gone: the summary's value and each damaged journal are kept aside as they were.
        if (summary.damaged) {
          assert.ok(opened.setAsideKey);
          assert.deepEqual(memento.get(opened.setAsideKey), JSON.parse(JSON.stringify(summary.value)));
        }
        assert.equal(opened.setAsideFiles.length, damagedJournals.size);
        for (const name of damagedJournals) {
          const aside = opened.setAsideFiles.find((file) => file.startsWith(`${name}.corrupt-`));
          assert.ok(aside, `${name} was not kept aside`);
          assert.equal(journal.files.get(aside)?.text, originals.get(name));
        }

        // It goes on recording, and the next window is not told again.
        await store.setDone('raft', !store.isDone('raft'));
        const again = await ProgressStore.open(memento, {
          key: KEY,
          setAsidePrefix: ASIDE,
          knownIds: new Set(IDS),
          journal,
          node: 'wnext',
          clock: steppingClock('2026-06-01T00:00:01.000Z'),
        });
        assert.deepEqual(again.problems, []);
        assert.equal(again.store.isDone('raft'), store.isDone('raft'));
        store.dispose();
        again.store.dispose();
      }),
      { numRuns: RUNS, seed: Number(process.env.DS_ROADMAP_PROPERTY_SEED ?? 20_261_130) },
    );
    assert.ok(damagedStores >= atLeastShare(0.2, RUNS), `only ${damagedStores} of ${RUNS} stores were damaged`);
    console.log(`      ${RUNS} stores opened, ${damagedStores} of them damaged`);
  });
});
