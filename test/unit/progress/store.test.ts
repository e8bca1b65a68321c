import * as assert from 'node:assert/strict';
import { PROGRESS_SCHEMA_VERSION, type StampedRecord } from '../../../src/core/progress/codec';
import { journalName } from '../../../src/core/progress/journal';
import { COMPACT_AFTER_LINES, ProgressStore, STALE_JOURNAL_MS, SUMMARY_DELAY_MS, UnknownProgressItemError } from '../../../src/core/progress/store';
import { FakeMemento, steppingClock } from '../../fakes/memento';
import { MemoryJournal } from '../../fakes/memoryJournal';

const KEY = 'dsRoadmap.progress';
const ASIDE = 'dsRoadmap.progress.setAside.';
const KNOWN = new Set(['fundamentals', 'networks', 'projects', 'file-sharing', ...Array.from({ length: 1200 }, (_, i) => `t${i}`)]);
const T1 = '2026-01-02T03:04:05.000Z';
const T2 = '2026-02-03T04:05:06.000Z';

type Opening = { journal?: MemoryJournal; node?: string; times?: string[] };

function storeOptions(options: Opening) {
  return {
    key: KEY,
    setAsidePrefix: ASIDE,
    knownIds: KNOWN,
    journal: options.journal ?? new MemoryJournal(),
    node: options.node ?? 'w1',
    clock: steppingClock(...(options.times ?? [T1])),
  };
}

async function open(memento: FakeMemento, options: Opening = {}) {
  return ProgressStore.open(memento, storeOptions(options));
}

function storedRecords(memento: FakeMemento): Record<string, { state: string; stamp: string }> {
  return (memento.get(KEY) as { records: Record<string, { state: string; stamp: string }> }).records;
}

describe('ProgressStore', () => {
  it('starts empty with no stored value and writes nothing', async () => {
    const memento = new FakeMemento();
    const journal = new MemoryJournal();
    const { store, problems } = await open(memento, { journal });
    assert.equal(store.isDone('fundamentals'), false);
    assert.deepEqual(problems, []);
    assert.equal(memento.updates, 0);
    assert.equal(journal.files.size, 0);
  });

  it('marks a step done with the time and a self-reported origin', async () => {
    const { store } = await open(new FakeMemento());
    await store.setDone('networks', true);
    assert.equal(store.isDone('networks'), true);
    assert.deepEqual(store.get('networks'), { state: 'done', at: T1, origin: 'self-reported' });
  });

  it('unmarks a step, keeping a record of when', async () => {
    const { store } = await open(new FakeMemento(), { times: [T1, T1, T2] });
    await store.setDone('networks', true);
    await store.setDone('networks', false);
    assert.deepEqual(store.get('networks'), { state: 'not-done', at: T2, origin: 'self-reported' });
  });

  it('keeps verified evidence with the record', async () => {
    const { store } = await open(new FakeMemento());
    await store.setDone('file-sharing', true, 'verified', { tests: 12, commit: 'abc123' });
    assert.deepEqual(store.get('file-sharing')?.evidence, { tests: 12, commit: 'abc123' });
    assert.equal(store.get('file-sharing')?.origin, 'verified');
  });

  it('writes the journal first, then the synced summary: one versioned value under one key, with stamps', async () => {
    const memento = new FakeMemento();
    const journal = new MemoryJournal();
    const { store } = await open(memento, { journal });
    await store.setDone('fundamentals', true);
    await store.flush();
    assert.deepEqual(memento.keys(), [KEY]);
    const stored = memento.get(KEY) as { version: number; records: Record<string, { stamp: string }> };
    assert.equal(stored.version, PROGRESS_SCHEMA_VERSION);
    assert.match(stored.records.fundamentals.stamp, /^\d{13}-\d{6}-w1$/);
    assert.match(journal.files.get(journalName('w1'))?.text ?? '', /^\{"v":3,"id":"fundamentals","r":\{.*\}\}\n$/);
  });

  it('writes the synced summary after a change, off its path: a burst of changes costs one summary write', async () => {
    const memento = new FakeMemento();
    const journal = new MemoryJournal();
    const { store } = await open(memento, { journal });
    await store.setDone('fundamentals', true);
    await store.setDone('networks', true);
    await store.apply([{ id: 'projects', done: true }]);
    assert.equal(memento.updates, 0, "no summary write on the changes' path");
    assert.equal(journal.files.get(journalName('w1'))?.text.split('\n').filter(Boolean).length, 3, 'every change journaled before it resolved');
    await new Promise((resolve) => setTimeout(resolve, SUMMARY_DELAY_MS + 50));
    assert.equal(memento.updates, 1);
    assert.deepEqual(Object.keys(storedRecords(memento)).sort(), ['fundamentals', 'networks', 'projects']);
  });

  it('keeps a change whose summary was not written yet when the window went: the next window replays its journal', async () => {
    const memento = new FakeMemento();
    const journal = new MemoryJournal();
    const first = await open(memento, { journal });
    await first.store.setDone('networks', true);
    assert.equal(memento.updates, 0);
    const second = await open(memento, { journal, node: 'w2' });
    assert.equal(second.store.isDone('networks'), true);
    assert.equal(storedRecords(memento).networks.state, 'done', 'the summary is written by the next window');
  });

  it('persists across a reopen in another window', async () => {
    const memento = new FakeMemento();
    const journal = new MemoryJournal();
    const first = await open(memento, { journal });
    await first.store.setDone('fundamentals', true);
    await first.store.setDone('projects', true);
    const second = await open(memento, { journal, node: 'w2' });
    assert.equal(second.store.isDone('fundamentals'), true);
    assert.equal(second.store.isDone('projects'), true);
    assert.equal(second.store.isDone('networks'), false);
    assert.deepEqual(second.problems, []);
  });

  it('recovers every record from the journals when the synced summary is lost', async () => {
    const journal = new MemoryJournal();
    const first = await open(new FakeMemento(), { journal });
    await first.store.setDone('networks', true);
    const fresh = new FakeMemento();
    const second = await open(fresh, { journal, node: 'w2' });
    assert.equal(second.store.isDone('networks'), true);
    assert.equal(storedRecords(fresh).networks.state, 'done', 'the summary is written back');
  });

  it('takes records from the synced summary alone (another machine), and journals them', async () => {
    const memento = new FakeMemento();
    const other = (await open(memento)).store;
    await other.setDone('networks', true);
    await other.flush();
    const journal = new MemoryJournal();
    const { store } = await open(memento, { journal, node: 'm2' });
    assert.equal(store.isDone('networks'), true);
    assert.match(journal.files.get(journalName('m2'))?.text ?? '', /"networks"/);
  });

  it('rejects an unknown id and stores nothing', async () => {
    const memento = new FakeMemento();
    const journal = new MemoryJournal();
    const { store } = await open(memento, { journal });
    await assert.rejects(store.setDone('no-such-step', true), UnknownProgressItemError);
    assert.equal(memento.updates, 0);
    assert.equal(journal.files.size, 0);
  });

  it('resets every done item, returns what it replaced, and an Undo puts it back over the reset', async () => {
    let now = T1;
    const { store } = await ProgressStore.open(new FakeMemento(), {
      key: KEY,
      setAsidePrefix: ASIDE,
      knownIds: KNOWN,
      journal: new MemoryJournal(),
      node: 'w1',
      clock: { now: () => new Date(now) },
    });
    await store.setDone('fundamentals', true);
    await store.setDone('networks', true, 'verified', { tests: 3 });
    now = T2;
    const previous = await store.reset();
    assert.deepEqual([...previous.keys()].sort(), ['fundamentals', 'networks']);
    assert.equal(store.isDone('fundamentals'), false);
    assert.equal(store.get('networks')?.at, T2);
    await store.restore(previous);
    assert.deepEqual(store.get('networks'), { state: 'done', at: T1, origin: 'verified', evidence: { tests: 3 } });
    assert.equal(store.isDone('fundamentals'), true);
  });

  it('resets only the ids of a scope', async () => {
    const { store } = await open(new FakeMemento());
    await store.setDone('fundamentals', true);
    await store.setDone('networks', true);
    const previous = await store.reset(['networks', 'projects']);
    assert.deepEqual([...previous.keys()], ['networks']);
    assert.equal(store.isDone('fundamentals'), true);
    assert.equal(store.isDone('networks'), false);
  });

  it('fires a change event with the changed ids', async () => {
    const { store } = await open(new FakeMemento());
    const seen: string[][] = [];
    store.onDidChange((ids) => seen.push([...ids]));
    await store.setDone('networks', true);
    assert.deepEqual(seen, [['networks']]);
  });

  it('leaves memory and the summary unchanged when the journal write fails', async () => {
    const memento = new FakeMemento();
    const journal = new MemoryJournal();
    const { store } = await open(memento, { journal });
    journal.failNextAppend = new Error('disk full');
    await assert.rejects(store.setDone('networks', true), /disk full/);
    assert.equal(store.isDone('networks'), false);
    assert.equal(memento.updates, 0);
  });

  it('keeps a change whose summary write failed: the journal holds it and the next write syncs it', async () => {
    const memento = new FakeMemento();
    const journal = new MemoryJournal();
    const { store } = await open(memento, { journal });
    memento.failNextUpdate = new Error('storage closed');
    await store.setDone('networks', true);
    await assert.rejects(store.flush(), /storage closed/);
    assert.equal(store.isDone('networks'), true);
    await store.setDone('fundamentals', true);
    await store.flush();
    assert.equal(storedRecords(memento).networks.state, 'done');
  });

  it('migrates a format-1 value to the current format, keeping every completion', async () => {
    const memento = new FakeMemento({ [KEY]: { version: 1, completed: { fundamentals: T1, networks: T2 } } });
    const { store, problems, setAsideKey } = await open(memento, { times: [T2] }); // records of T2 are not ahead of this clock
    assert.deepEqual(problems, []);
    assert.equal(setAsideKey, undefined);
    assert.deepEqual(store.get('networks'), { state: 'done', at: T2, origin: 'self-reported' });
    assert.equal((memento.get(KEY) as { version: number }).version, PROGRESS_SCHEMA_VERSION);
  });

  it('migrates a format-2 value, ordering its records by their time', async () => {
    const memento = new FakeMemento({ [KEY]: { version: 2, records: { networks: { state: 'done', at: T2, origin: 'verified', evidence: { tests: 4 } } } } });
    const { store, problems } = await open(memento, { times: [T2] }); // records of T2 are not ahead of this clock
    assert.deepEqual(problems, []);
    assert.deepEqual(store.get('networks'), { state: 'done', at: T2, origin: 'verified', evidence: { tests: 4 } });
    assert.equal(storedRecords(memento).networks.stamp, `${String(Date.parse(T2)).padStart(13, '0')}-000000-migrated`);
  });

  it('recovers from a corrupt value without throwing and keeps the bad value aside', async () => {
    const memento = new FakeMemento({ [KEY]: 'garbage' });
    const { store, problems, setAsideKey } = await open(memento);
    assert.equal(store.isDone('fundamentals'), false);
    assert.match(problems[0], /not an object/);
    assert.equal(setAsideKey, `${ASIDE}${T1}`);
    assert.equal(memento.get(setAsideKey), 'garbage');
    assert.deepEqual(memento.get(KEY), { version: PROGRESS_SCHEMA_VERSION, records: {} });
  });

  it('keeps every readable record of a partly damaged value', async () => {
    const good = { state: 'done', at: T1, origin: 'self-reported', stamp: '0000000000001-000000-w9' };
    const damaged = { version: 3, records: { fundamentals: good, networks: { ...good, state: 'maybe' } } };
    const memento = new FakeMemento({ [KEY]: damaged });
    const { store, problems, setAsideKey } = await open(memento);
    assert.equal(store.isDone('fundamentals'), true);
    assert.equal(store.get('networks'), undefined);
    assert.deepEqual(problems, ['the record of "networks" is unreadable']);
    assert.deepEqual(memento.get(setAsideKey ?? ''), damaged);
  });

  it('keeps a value from a newer version aside and salvages what it understands', async () => {
    const record = { state: 'done', at: T1, origin: 'verified', stamp: '0000000000001-000000-w9' };
    const future = { version: 99, records: { networks: record }, extra: [1] };
    const memento = new FakeMemento({ [KEY]: future });
    const { store, problems, setAsideKey } = await open(memento);
    assert.equal(store.isDone('networks'), true);
    assert.match(problems[0], /newer version of the extension \(format 99\)/);
    assert.deepEqual(memento.get(setAsideKey ?? ''), future);
  });

  it('keeps records of ids the curriculum no longer has, without counting them', async () => {
    const memento = new FakeMemento({ [KEY]: { version: 2, records: { retired: { state: 'done', at: T1, origin: 'self-reported' } } } });
    const { store } = await open(memento);
    await store.setDone('networks', true);
    assert.ok(store.entries().has('retired'));
    assert.ok(storedRecords(memento).retired);
  });

  it('merges a summary Settings Sync replaced, keeping local records and writing them back', async () => {
    const memento = new FakeMemento();
    const { store } = await open(memento, { times: [T2] }); // records of T2 are not ahead of this clock
    await store.setDone('fundamentals', true);
    const remote = { state: 'done', at: T2, origin: 'self-reported', stamp: `${String(Date.parse(T2)).padStart(13, '0')}-000000-m2` };
    await memento.update(KEY, { version: 3, records: { networks: remote } });
    const changed = await store.reload();
    assert.deepEqual([...changed], ['networks']);
    assert.equal(store.isDone('networks'), true);
    assert.equal(store.isDone('fundamentals'), true);
    assert.deepEqual(Object.keys(storedRecords(memento)).sort(), ['fundamentals', 'networks']);
  });

  it('keeps in the summary what Settings Sync brought in when a toggle comes before the re-read', async () => {
    const memento = new FakeMemento();
    const { store } = await open(memento, { times: [T2] }); // records of T2 are not ahead of this clock
    await store.setDone('fundamentals', true);
    await store.setDone('projects', true);
    await store.flush();
    const remote = { state: 'done', at: T2, origin: 'self-reported', stamp: `${String(Date.parse(T2)).padStart(13, '0')}-000000-m2` };
    await memento.update(KEY, { version: 3, records: { ...storedRecords(memento), networks: remote } });
    await store.setDone('projects', false);
    await store.flush();
    assert.deepEqual(Object.keys(storedRecords(memento)).sort(), ['fundamentals', 'networks', 'projects']);
    assert.equal(storedRecords(memento).projects?.state, 'not-done');
  });

  it("never takes another window's value, landing while its own write completes, for the one it wrote", async () => {
    const memento = new FakeMemento();
    const { store } = await open(memento, { times: [T2] }); // records of T2 are not ahead of this clock
    await store.setDone('fundamentals', true);
    await store.flush();
    const other = { state: 'done', at: T2, origin: 'self-reported', stamp: `${String(Date.parse(T2)).padStart(13, '0')}-000000-w9` };
    // The next write completes only after another window's whole value has replaced it.
    const update = memento.update.bind(memento);
    memento.update = async (key: string, value: unknown) => {
      await update(key, value);
      memento.update = update;
      await update(KEY, { version: 3, records: { ...storedRecords(memento), networks: other } });
    };
    await store.setDone('projects', true);
    await store.flush();
    await store.setDone('projects', false);
    await store.flush();
    assert.deepEqual(Object.keys(storedRecords(memento)).sort(), ['fundamentals', 'networks', 'projects']);
  });

  it("sees another window's change on reload even when that window's summary write was overwritten", async () => {
    const memento = new FakeMemento();
    const journal = new MemoryJournal();
    const a = (await open(memento, { journal, node: 'wa' })).store;
    const b = (await open(memento, { journal, node: 'wb' })).store;
    await a.setDone('fundamentals', true);
    // Window b writes the whole value from a stale copy, as VS Code's globalState does.
    const stale = memento.get(KEY);
    await b.setDone('networks', true);
    await memento.update(KEY, stale);
    await a.reload();
    await b.reload();
    for (const store of [a, b]) {
      assert.equal(store.isDone('fundamentals'), true);
      assert.equal(store.isDone('networks'), true);
    }
    assert.deepEqual(Object.keys(storedRecords(memento)).sort(), ['fundamentals', 'networks']);
  });

  it('keeps a damaged journal aside, with every readable line, naming the file and line', async () => {
    const journal = new MemoryJournal();
    const line = (id: string) => `{"v":3,"id":"${id}","r":{"state":"done","at":"${T1}","origin":"self-reported","stamp":"0000000000001-000000-w9"}}\n`;
    journal.put(journalName('w9'), `${line('networks')}{"v":3,"id":"x"\n${line('fundamentals')}`);
    const { store, problems, setAsideFiles } = await open(new FakeMemento(), { journal });
    assert.ok(store.isDone('networks') && store.isDone('fundamentals'));
    assert.deepEqual(setAsideFiles, [`${journalName('w9')}.corrupt-${Date.parse(T1)}`]);
    assert.match(problems[0], /journal-w9\.jsonl has unreadable lines \(line 2: not JSON\)/);
    assert.ok(journal.files.has(setAsideFiles[0]));
    const again = await open(new FakeMemento(), { journal, node: 'w2' });
    assert.deepEqual(again.problems, [], 'the learner is told once');
    assert.ok(again.store.isDone('networks'));
  });

  it('opens at once over journals already read, and a change made at once waits for what opening writes', async () => {
    const ops: string[] = [];
    const journal = new (class extends MemoryJournal {
      override rename(from: string, to: string) {
        ops.push('rename');
        return super.rename(from, to);
      }
      override replace(name: string, text: string) {
        ops.push('replace');
        return super.replace(name, text);
      }
      override append(name: string, text: string) {
        ops.push('append');
        return super.append(name, text);
      }
    })();
    const line = `{"v":3,"id":"networks","r":{"state":"done","at":"${T1}","origin":"self-reported","stamp":"0000000000001-000000-w9"}}\n`;
    journal.put(journalName('w9'), `${line}{"v":3,"id":"x"\n`);
    const files = [...journal.files].map(([name, { text, modified }]) => ({ name, text, modified }));
    const opened = ProgressStore.openNow(new FakeMemento(), storeOptions({ journal }), files);
    assert.ok(opened.store.isDone('networks'), 'the records are there before opening yields');
    assert.deepEqual(ops, [], 'nothing written yet');
    await Promise.all([opened.store.setDone('projects', true), opened.ready]);
    assert.deepEqual(ops, ['rename', 'replace', 'append'], 'the damaged journal aside and the snapshot of its records, then the change');
    assert.ok(journal.files.has(opened.setAsideFiles[0]));
  });

  it('drops a torn last line (a crash mid-write) quietly', async () => {
    const journal = new MemoryJournal();
    const line = `{"v":3,"id":"networks","r":{"state":"done","at":"${T1}","origin":"self-reported","stamp":"0000000000001-000000-w9"}}\n`;
    journal.put(journalName('w9'), `${line}${line.slice(0, 30)}`);
    const { store, problems } = await open(new FakeMemento(), { journal });
    assert.deepEqual(problems, []);
    assert.ok(store.isDone('networks'));
  });

  it('removes the journals of closed windows once folded into its own, keeping live ones', async () => {
    const journal = new MemoryJournal();
    const memento = new FakeMemento();
    const now = Date.parse(T1);
    journal.now = () => now - STALE_JOURNAL_MS - 1;
    await (await open(memento, { journal, node: 'old' })).store.setDone('networks', true);
    journal.now = () => now;
    await (await open(memento, { journal, node: 'live' })).store.setDone('projects', true);
    assert.deepEqual([...journal.files.keys()].sort(), [journalName('live')], "the closed window's journal went once folded");
    await open(new FakeMemento(), { journal, node: 'w3' });
    assert.deepEqual([...journal.files.keys()].sort(), [journalName('live')], 'with every journal in use, opening writes none');
    const fourth = await open(new FakeMemento(), { journal, node: 'w4' });
    assert.ok(fourth.store.isDone('networks') && fourth.store.isDone('projects'));
  });

  it('compacts its journal into a snapshot once it grows long', async () => {
    const journal = new MemoryJournal();
    const { store } = await open(new FakeMemento(), { journal });
    for (let i = 0; i <= COMPACT_AFTER_LINES; i++) {
      await store.setDone('t1', i % 2 === 0);
    }
    await store.flush(); // compaction comes with the summary write, after the change
    const lines = journal.files.get(journalName('w1'))?.text.split('\n').filter(Boolean) ?? [];
    assert.equal(lines.length, 1);
    assert.equal(store.isDone('t1'), true);
  });

  it('with more records than that, rewrites its journal only after as many appends as it has records', async () => {
    const journal = new MemoryJournal();
    let rewrites = 0;
    const replace = journal.replace.bind(journal);
    journal.replace = (name, text) => {
      rewrites++;
      return replace(name, text);
    };
    const many = new Set(Array.from({ length: 110 }, (_, i) => `item-${i}`));
    const options = { key: KEY, setAsidePrefix: ASIDE, knownIds: many, journal, node: 'w1', clock: steppingClock(T1), compactAfterLines: 100 };
    const { store } = await ProgressStore.open(new FakeMemento(), options);
    await store.apply([...many].map((id) => ({ id, done: true })));
    const lines = () => journal.files.get(journalName('w1'))?.text.split('\n').filter(Boolean).length;
    for (let i = 0; i < 110; i++) {
      await store.setDone('item-7', i % 2 === 1);
    }
    assert.equal(rewrites, 0, `${rewrites} rewrites of the whole journal for 110 toggles`);
    assert.equal(lines(), 220);
    await store.setDone('item-7', false);
    await store.flush();
    assert.equal(rewrites, 1);
    assert.equal(lines(), 110);
    assert.equal(store.isDone('item-7'), false);
    assert.equal(store.isDone('item-8'), true);
  });

  it('merges imported records only where they are newer', async () => {
    const { store } = await open(new FakeMemento(), { times: [T2] });
    await store.setDone('networks', true);
    const old: StampedRecord = { state: 'not-done', at: T1, origin: 'self-reported', stamp: '0000000000001-000000-x' };
    const report = await store.merge(
      new Map([
        ['networks', old],
        ['fundamentals', { ...old, state: 'done' }],
      ]),
    );
    assert.deepEqual(report, { applied: ['fundamentals'], keptLocal: ['networks'], refused: [] });
    assert.equal(store.isDone('networks'), true);
    assert.equal(store.isDone('fundamentals'), true);
  });

  it('orders a change made after an import after the imported record, from a clock up to a day ahead', async () => {
    const { store } = await open(new FakeMemento(), { times: [T1] });
    const ahead: StampedRecord = { state: 'done', at: T2, origin: 'self-reported', stamp: `${Date.parse(T1) + 23 * 3_600_000}-000000-fast` };
    await store.merge(new Map([['networks', ahead]]));
    await store.setDone('networks', false);
    assert.equal(store.isDone('networks'), false);
    assert.ok((store.stampedEntries().get('networks')?.stamp ?? '') > ahead.stamp);
  });

  it('refuses an import stamped more than a day ahead, the top of the range included, and stays refused', async () => {
    const memento = new FakeMemento();
    const { store } = await open(memento, { times: [T1] });
    for (const stamp of ['9999999999999-999999-a', `${Date.parse(T1) + 25 * 3_600_000}-000000-fast`]) {
      const report = await store.merge(new Map([['networks', { state: 'done', at: T2, origin: 'self-reported', stamp }]]));
      assert.deepEqual(report, { applied: [], keptLocal: [], refused: ['networks'] });
    }
    await store.setDone('networks', false);
    await store.setDone('networks', true);
    await store.flush();
    assert.match(store.stampedEntries().get('networks')?.stamp ?? '', /^\d{13}-\d{6}-w1$/);
    assert.ok(!JSON.stringify(memento.get(KEY)).includes('fast'));
  });

  it('keeps a synced summary with a record far ahead aside once, and opens clean the next time', async () => {
    const memento = new FakeMemento({
      [KEY]: {
        version: 3,
        records: {
          networks: { state: 'done', at: T1, origin: 'verified', stamp: '9999999999999-999999-a' },
          fundamentals: { state: 'done', at: T1, origin: 'self-reported', stamp: '1735787045000-000000-w9' },
        },
      },
    });
    const journal = new MemoryJournal();
    const first = await open(memento, { journal, times: [T1] });
    assert.match(first.problems.join(), /"networks" is stamped [0-9,]+ days ahead of this computer's clock/);
    assert.ok(first.setAsideKey);
    assert.equal(first.store.isDone('networks'), false);
    assert.equal(first.store.isDone('fundamentals'), true);
    await first.store.setDone('networks', true);
    const asideKeys = memento.keys().filter((key) => key.startsWith(ASIDE)).length;
    const second = await open(memento, { journal, node: 'w2', times: [T2] });
    assert.deepEqual(second.problems, []);
    assert.equal(second.setAsideKey, undefined);
    assert.equal(memento.keys().filter((key) => key.startsWith(ASIDE)).length, asideKeys);
    assert.equal(second.store.isDone('networks'), true);
  });
});
