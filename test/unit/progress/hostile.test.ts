// Property tests of progress that arrives from outside this machine's own actions: a backup the
// learner imports, the workspace copy a repository brings, a summary Settings Sync replaces.
// Whatever it holds (stamps over the whole range, the very top included, verified records with
// made-up evidence), the learner's own toggles afterwards are what a reopened store shows, and the
// reopened store reports no problem: damage is dealt with once, where it arrived.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { StampedRecord } from '../../../src/core/progress/codec';
import { formatStamp, HybridClock, MAX_WALL } from '../../../src/core/progress/hlc';
import { ProgressMirror, type MirrorFile } from '../../../src/core/progress/mirror';
import { ProgressStore, type Clock } from '../../../src/core/progress/store';
import { exportJson, parseImport } from '../../../src/core/progress/transfer';
import { FakeMemento } from '../../fakes/memento';
import { MemoryJournal } from '../../fakes/memoryJournal';
import { propertyRuns } from '../propertyRuns';

const RUNS = propertyRuns(2_000, 'DS_ROADMAP_PROPERTY_RUNS');
const KEY = 'dsRoadmap.progress';
const SIGNING_KEY = 'e'.repeat(64);
const ITEMS = ['fundamentals', 'networks', 'naming', 'clocks', 'raft'];
const KNOWN = new Set(ITEMS);
const START = Date.parse('2026-12-02T00:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;

/** Wall times over the whole range, weighted towards the edges that matter: the top, and a day either side of now. */
const wall = fc.oneof(
  fc.integer({ min: 0, max: MAX_WALL }),
  fc.constant(MAX_WALL),
  fc.integer({ min: START - 2 * DAY, max: START + 2 * DAY }),
  fc.integer({ min: START + DAY - 5, max: START + DAY + 5 }),
);

const record: fc.Arbitrary<StampedRecord> = fc
  .record({
    wall,
    counter: fc.oneof(fc.nat(999_999), fc.constant(999_999)),
    node: fc.constantFrom('intruder', 'zzzz', 'a', 'migrated'),
    state: fc.constantFrom('done' as const, 'not-done' as const),
    origin: fc.constantFrom('self-reported' as const, 'verified' as const),
    at: fc.integer({ min: 0, max: Date.parse('9999-12-31T00:00:00.000Z') }).map((ms) => new Date(ms).toISOString()),
  })
  .map(({ wall, counter, node, state, origin, at }) => {
    const stamp = formatStamp({ wall, counter, node });
    return origin === 'verified' ? { state, at, origin, evidence: { tests: 99, commit: 'forged' }, stamp } : { state, at, origin, stamp };
  });

const hostile = fc.dictionary(fc.constantFrom(...ITEMS), record, { minKeys: 1 }).map((entries) => new Map(Object.entries(entries)));

type Channel = 'import' | 'mirror-unsigned' | 'mirror-signed' | 'sync-before-open' | 'sync-then-reload';

/** A clock that moves on by a few milliseconds at each reading, as a learner's would. */
function movingClock(start: number): Clock & { ms: number } {
  const clock = {
    ms: start,
    now: () => new Date((clock.ms += 3)),
  };
  return clock;
}

class MemoryMirrorFile implements MirrorFile {
  constructor(public text: string | undefined) {}
  inspect() {
    return Promise.resolve({
      folder: { kind: 'folder' as const, symbolicLink: false, size: 0 },
      file:
        this.text === undefined
          ? { kind: 'missing' as const, symbolicLink: false, size: 0 }
          : { kind: 'file' as const, symbolicLink: false, size: this.text.length },
    });
  }
  read() {
    return Promise.resolve(this.text);
  }
  write(text: string) {
    this.text = text;
    return Promise.resolve();
  }
}

function openStore(memento: FakeMemento, journal: MemoryJournal, node: string, clock: Clock) {
  return ProgressStore.open(memento, { key: KEY, setAsidePrefix: 'aside.', knownIds: KNOWN, journal, node, clock });
}

describe('progress from outside this machine', function () {
  this.timeout(600_000);

  it(`never outranks what the learner does next: toggles after any import, workspace copy or sync survive a reopen, with no problem reported (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        hostile,
        fc.constantFrom<Channel>('import', 'mirror-unsigned', 'mirror-signed', 'sync-before-open', 'sync-then-reload'),
        fc.array(fc.record({ item: fc.constantFrom(...ITEMS), done: fc.boolean() }), { minLength: 1, maxLength: 8 }),
        async (incoming, channel, toggles) => {
          const clock = movingClock(START);
          const memento = new FakeMemento();
          const journal = new MemoryJournal();
          if (channel === 'sync-before-open') {
            await memento.update(KEY, { version: 3, records: Object.fromEntries(incoming) });
          }
          const { store } = await openStore(memento, journal, 'w1', clock);
          if (channel === 'import') {
            const parsed = parseImport(exportJson(incoming), 'backup.json', KNOWN, { now: clock.now().getTime(), signingKey: SIGNING_KEY });
            await store.merge(parsed.records);
            assert.ok(
              [...store.entries().values()].every((r) => r.origin !== 'verified'),
              'an unsigned backup brought a verified record',
            );
          } else if (channel === 'mirror-unsigned' || channel === 'mirror-signed') {
            const text = exportJson(incoming, channel === 'mirror-signed' ? { signingKey: SIGNING_KEY } : {});
            await new ProgressMirror(store, new MemoryMirrorFile(text), '.roadmap/progress.json', SIGNING_KEY, () => clock.now().getTime()).sync();
            if (channel === 'mirror-unsigned') {
              assert.deepEqual([...store.entries().keys()], [], 'an unsigned workspace copy changed the progress');
            }
          } else if (channel === 'sync-then-reload') {
            await memento.update(KEY, { version: 3, records: Object.fromEntries(incoming) });
            await store.reload();
          }
          const last = new Map<string, boolean>();
          for (const { item, done } of toggles) {
            await store.setDone(item, done);
            last.set(item, done);
          }
          for (const [item, done] of last) {
            assert.equal(store.isDone(item), done, `${item} right after the toggles`);
          }
          store.dispose();

          clock.ms += 60_000;
          const reopened = await openStore(memento, journal, 'w2', clock);
          assert.deepEqual(reopened.problems, [], 'the reopened store reported problems');
          assert.equal(reopened.setAsideKey, undefined);
          for (const [item, done] of last) {
            assert.equal(reopened.store.isDone(item), done, `${item} after a reopen (${channel})`);
          }
          // And its next change still orders after everything it holds.
          const before =
            [...reopened.store.stampedEntries().values()]
              .map((r) => r.stamp)
              .sort()
              .at(-1) ?? '';
          await reopened.store.setDone('raft', !reopened.store.isDone('raft'));
          assert.ok((reopened.store.stampedEntries().get('raft')?.stamp ?? '') > before);
          reopened.store.dispose();
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('a clock never issues a stamp the codec rejects, even at the top of the range', () => {
    const clock = new HybridClock('w1', () => MAX_WALL + 5);
    clock.observe(formatStamp({ wall: MAX_WALL, counter: 999_999, node: 'zz' }));
    for (let i = 0; i < 3; i++) {
      assert.match(clock.tick(), /^9999999999999-999999-w1$/);
    }
  });
});
