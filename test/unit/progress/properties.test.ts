// Property tests of the progress store against VS Code's storage semantics: each window keeps its
// own copy of the extension's globalState and writes it back whole; other windows see a write
// only when the storage change reaches them; Settings Sync replaces a machine's value whole with
// another machine's. Windows toggle, reload and sync in random interleavings (fast-check's
// scheduler decides the order in which every storage and file operation completes).
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { StampedRecord } from '../../../src/core/progress/codec';
import type { JournalDirectory } from '../../../src/core/progress/journal';
import { changedIds, mergeMaps, wins, type RecordMap } from '../../../src/core/progress/lww';
import { ProgressStore, type KeyValueStore } from '../../../src/core/progress/store';
import { MemoryJournal } from '../../fakes/memoryJournal';
import { propertyRuns } from '../propertyRuns';

const RUNS = propertyRuns(10_000, 'DS_ROADMAP_PROPERTY_RUNS');
const KEY = 'dsRoadmap.progress';
const ITEMS = ['fundamentals', 'networks', 'naming', 'clocks', 'raft'];

type Scheduler = fc.Scheduler;

/** One machine's globalState as the main process holds it. */
class Machine {
  value: string | undefined;
  readonly journal = new MemoryJournal();
  constructor(readonly name: string) {}
}

/** A window's copy of globalState: reads its cache, writes the whole value back. */
class WindowMemento implements KeyValueStore {
  private cache: string | undefined;
  /** What get hands back: one object until the cache changes, as VS Code's memento does. */
  private parsed: { readonly text: string; readonly value: unknown } | undefined;
  constructor(
    private readonly machine: Machine,
    private readonly s: Scheduler,
  ) {
    this.cache = machine.value;
  }

  get(key: string): unknown {
    if (key !== KEY || this.cache === undefined) {
      return undefined;
    }
    if (this.parsed?.text !== this.cache) {
      this.parsed = { text: this.cache, value: JSON.parse(this.cache) as unknown };
    }
    return this.parsed.value;
  }

  async update(key: string, value: unknown): Promise<void> {
    assert.equal(key, KEY);
    this.cache = JSON.stringify(value);
    const written = this.cache;
    await this.s.schedule(Promise.resolve(), `${this.machine.name} globalState write`);
    this.machine.value = written;
  }

  /** The storage change event reaching this window. */
  refresh(): void {
    this.cache = this.machine.value;
  }
}

/** The machine's journals folder, each operation completing when the scheduler says; appends are recorded. */
class ScheduledJournal implements JournalDirectory {
  constructor(
    private readonly inner: MemoryJournal,
    private readonly s: Scheduler,
    private readonly committed: Map<string, StampedRecord[]>,
  ) {}

  async list() {
    await this.s.schedule(Promise.resolve(), 'list');
    return this.inner.list();
  }
  async read(name: string) {
    await this.s.schedule(Promise.resolve(), `read ${name}`);
    return this.inner.read(name);
  }
  async append(name: string, text: string) {
    await this.s.schedule(Promise.resolve(), `append ${name}`);
    for (const line of text.split('\n').filter(Boolean)) {
      const { id, r } = JSON.parse(line) as { id: string; r: StampedRecord };
      this.committed.set(id, [...(this.committed.get(id) ?? []), r]);
    }
    return this.inner.append(name, text);
  }
  async replace(name: string, text: string) {
    await this.s.schedule(Promise.resolve(), `replace ${name}`);
    return this.inner.replace(name, text);
  }
  async rename(from: string, to: string) {
    await this.s.schedule(Promise.resolve(), `rename ${from}`);
    return this.inner.rename(from, to);
  }
  async remove(name: string) {
    await this.s.schedule(Promise.resolve(), `remove ${name}`);
    return this.inner.remove(name);
  }
  async modified(name: string) {
    await this.s.schedule(Promise.resolve(), `stat ${name}`);
    return this.inner.modified(name);
  }
}

type Op =
  | { kind: 'toggle'; window: number; item: string }
  | { kind: 'reload'; window: number }
  | { kind: 'refresh'; window: number }
  | { kind: 'sync'; from: number; to: number }
  | { kind: 'restart'; window: number };

const op = (windows: number, machines: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('toggle' as const), window: fc.nat(windows - 1), item: fc.constantFrom(...ITEMS) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('reload' as const), window: fc.nat(windows - 1) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('refresh' as const), window: fc.nat(windows - 1) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('sync' as const), from: fc.nat(machines - 1), to: fc.nat(machines - 1) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), window: fc.nat(windows - 1) }) },
  );

interface Window {
  readonly machine: Machine;
  readonly memento: WindowMemento;
  readonly store: ProgressStore;
}

/** A map as sorted JSON, each record with its fields in one order. */
/** A map as text, each record's evidence in key order (none and {} are one): equal content, equal text. */
function canonical(map: RecordMap): string {
  const entries = [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries.map(([id, r]) => [id, r.state, r.at, r.origin, sortedEvidence(r), r.stamp]));
}

function sortedEvidence(record: StampedRecord): [string, string | number][] {
  return Object.entries(record.evidence ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The record every window must end with: the toggle with the greatest stamp. */
function expected(committed: Map<string, StampedRecord[]>): RecordMap {
  const result = new Map<string, StampedRecord>();
  for (const [id, records] of committed) {
    result.set(
      id,
      records.reduce((a, b) => (wins(b, a) ? b : a)),
    );
  }
  return result;
}

describe('progress store properties', function () {
  this.timeout(600_000);

  it(`loses no toggle and converges: 2–4 windows on 1–2 machines, random interleavings (${RUNS} runs)`, async () => {
    const scenario = fc.record({ windows: fc.integer({ min: 2, max: 4 }), machines: fc.integer({ min: 1, max: 2 }) }).chain(({ windows, machines }) =>
      fc.record({
        windows: fc.constant(windows),
        machines: fc.constant(machines),
        skews: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: windows, maxLength: windows }),
        ops: fc.array(op(windows, machines), { minLength: 1, maxLength: 25 }),
        s: fc.scheduler(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(scenario, async ({ windows: count, machines: machineCount, skews, ops, s }) => {
        const machines = Array.from({ length: machineCount }, (_, i) => new Machine(`m${i}`));
        const committed = new Map<string, StampedRecord[]>();
        let time = 1_700_000_000_000;
        const windows: Window[] = [];
        let opened = 0;
        // A window opens with a new id; the machines' journals all look idle for long, so each
        // open folds the others' journals into its own and removes them while they are in use.
        const openWindow = async (i: number): Promise<Window> => {
          const machine = machines[i % machineCount];
          const memento = new WindowMemento(machine, s);
          const opening = ProgressStore.open(memento, {
            key: KEY,
            setAsidePrefix: 'aside.',
            knownIds: new Set(ITEMS),
            journal: new ScheduledJournal(machine.journal, s, committed),
            node: `w${i}n${opened++}`,
            // Windows' clocks disagree by a few milliseconds and often stand still.
            clock: { now: () => new Date(time + skews[i]) },
          });
          return { machine, memento, store: (await s.waitFor(opening)).store };
        };
        for (let i = 0; i < count; i++) {
          windows.push(await openWindow(i));
        }

        const running: Promise<unknown>[] = [];
        for (const step of ops) {
          time += 1;
          const window = 'window' in step ? windows[step.window] : undefined;
          if (step.kind === 'toggle' && window) {
            running.push(window.store.setDone(step.item, !window.store.isDone(step.item)));
          } else if (step.kind === 'reload' && window) {
            running.push(window.store.reload());
          } else if (step.kind === 'refresh' && window) {
            window.memento.refresh();
          } else if (step.kind === 'sync') {
            machines[step.to].value = machines[step.from].value;
          } else if (step.kind === 'restart' && window) {
            // The old window's operations still in flight finish on their own.
            windows[step.window] = await openWindow(step.window);
          }
          // Let a random part of what is in flight complete before the next operation.
          if (s.count() > 0 && time % 3 === 0) {
            await s.waitOne();
          }
        }
        await s.waitFor(Promise.all(running));

        // Quiesce: every window re-reads, then the machines sync both ways, re-reading each time.
        const settle = async () => {
          for (const window of windows) {
            window.memento.refresh();
            await s.waitFor(window.store.reload());
          }
        };
        await settle();
        for (let round = 0; round < 2; round++) {
          for (let i = 0; i + 1 < machines.length; i++) {
            machines[i + 1].value = machines[i].value;
            await settle();
            machines[i].value = machines[i + 1].value;
            await settle();
          }
        }

        const want = expected(committed);
        for (const [index, window] of windows.entries()) {
          const have = window.store.stampedEntries();
          assert.equal(canonical(have), canonical(want), `window ${index} lost or invented a toggle`);
        }
        for (const machine of machines) {
          const summary = (JSON.parse(machine.value ?? '{"records":{}}') as { records: Record<string, StampedRecord> }).records;
          assert.equal(canonical(new Map(Object.entries(summary))), canonical(want), `${machine.name}'s synced summary differs`);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('last-writer-wins merge properties', function () {
  // 10,000 runs each: minutes on a loaded machine, where the default limit cut them off. No verdict rests on time.
  this.timeout(600_000);
  const stamp = fc
    .record({ wall: fc.integer({ min: 0, max: 20 }), counter: fc.integer({ min: 0, max: 3 }), node: fc.constantFrom('a', 'b', 'c') })
    .map(({ wall, counter, node }) => `${String(wall).padStart(13, '0')}-${String(counter).padStart(6, '0')}-${node}`);
  // Few values each, so that records with one stamp often differ in one field only (evidence too).
  const evidence = fc.dictionary(fc.constantFrom('tests', 'passed', 'commit'), fc.oneof(fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 2 })), {
    maxKeys: 3,
  });
  const record: fc.Arbitrary<StampedRecord> = fc
    .record({
      state: fc.constantFrom('done' as const, 'not-done' as const),
      at: fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'),
      origin: fc.constantFrom('self-reported' as const, 'verified' as const),
      stamp,
      evidence: fc.option(evidence, { nil: undefined }),
    })
    .map(({ evidence: given, ...rest }) => (given ? { ...rest, evidence: given } : rest));
  const map = fc.dictionary(fc.constantFrom(...ITEMS), record).map((entries) => new Map(Object.entries(entries)) as RecordMap);
  const same = (a: RecordMap, b: RecordMap) => assert.equal(canonical(a), canonical(b));

  it(`is commutative, associative and idempotent (${RUNS} runs each)`, () => {
    fc.assert(
      fc.property(map, map, (a, b) => same(mergeMaps(a, b), mergeMaps(b, a))),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(map, map, map, (a, b, c) => same(mergeMaps(mergeMaps(a, b), c), mergeMaps(a, mergeMaps(b, c)))),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(map, map, (a, b) => {
        same(mergeMaps(a, a), a);
        same(mergeMaps(mergeMaps(a, b), b), mergeMaps(a, b));
      }),
      { numRuns: RUNS },
    );
  });

  it(`names as changed exactly the ids whose records differ (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(map, map, (a, b) => {
        const one = (m: RecordMap, id: string): RecordMap => new Map(m.has(id) ? [[id, m.get(id)!]] : []);
        const differ = ITEMS.filter((id) => canonical(one(a, id)) !== canonical(one(b, id)));
        assert.deepEqual([...changedIds(a, b)].sort(), differ.sort());
      }),
      { numRuns: RUNS },
    );
  });
});
