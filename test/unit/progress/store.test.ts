import * as assert from 'node:assert/strict';
import { PROGRESS_SCHEMA_VERSION } from '../../../src/core/progress/codec';
import { ProgressStore, UnknownProgressItemError } from '../../../src/core/progress/store';
import { FakeMemento, steppingClock } from '../../fakes/memento';

const KEY = 'dsRoadmap.progress';
const ASIDE = 'dsRoadmap.progress.setAside.';
const KNOWN = new Set(['fundamentals', 'networks', 'projects', 'file-sharing']);
const T1 = '2026-01-02T03:04:05.000Z';
const T2 = '2026-02-03T04:05:06.000Z';

async function open(memento: FakeMemento, ...times: string[]) {
  return ProgressStore.open(memento, {
    key: KEY,
    setAsidePrefix: ASIDE,
    knownIds: KNOWN,
    clock: steppingClock(...(times.length > 0 ? times : [T1])),
  });
}

describe('ProgressStore', () => {
  it('starts empty with no stored value and writes nothing', async () => {
    const memento = new FakeMemento();
    const { store, problems } = await open(memento);
    assert.equal(store.isDone('fundamentals'), false);
    assert.deepEqual(problems, []);
    assert.equal(memento.updates, 0);
  });

  it('marks a step done with the time and a self-reported origin', async () => {
    const memento = new FakeMemento();
    const { store } = await open(memento);
    await store.setDone('networks', true);
    assert.equal(store.isDone('networks'), true);
    assert.deepEqual(store.get('networks'), { state: 'done', at: T1, origin: 'self-reported' });
  });

  it('unmarks a step, keeping a record of when', async () => {
    const memento = new FakeMemento();
    const { store } = await open(memento, T1, T2);
    await store.setDone('networks', true);
    await store.setDone('networks', false);
    assert.equal(store.isDone('networks'), false);
    assert.deepEqual(store.get('networks'), { state: 'not-done', at: T2, origin: 'self-reported' });
  });

  it('keeps verified evidence with the record', async () => {
    const { store } = await open(new FakeMemento());
    await store.setDone('file-sharing', true, 'verified', { tests: 12, commit: 'abc123' });
    assert.deepEqual(store.get('file-sharing')?.evidence, { tests: 12, commit: 'abc123' });
    assert.equal(store.get('file-sharing')?.origin, 'verified');
  });

  it('persists across a reopen (round trip through the Memento)', async () => {
    const memento = new FakeMemento();
    const first = await open(memento);
    await first.store.setDone('fundamentals', true);
    await first.store.setDone('projects', true);
    const second = await open(memento);
    assert.equal(second.store.isDone('fundamentals'), true);
    assert.equal(second.store.isDone('projects'), true);
    assert.equal(second.store.isDone('networks'), false);
    assert.deepEqual(second.problems, []);
  });

  it('stores one versioned value under one key', async () => {
    const memento = new FakeMemento();
    const { store } = await open(memento);
    await store.setDone('fundamentals', true);
    assert.deepEqual(memento.keys(), [KEY]);
    assert.deepEqual(memento.get(KEY), {
      version: PROGRESS_SCHEMA_VERSION,
      records: { fundamentals: { state: 'done', at: T1, origin: 'self-reported' } },
    });
  });

  it('rejects an unknown id and stores nothing', async () => {
    const memento = new FakeMemento();
    const { store } = await open(memento);
    await assert.rejects(store.setDone('no-such-step', true), UnknownProgressItemError);
    assert.equal(memento.updates, 0);
  });

  it('resets every done item to not done and reports which', async () => {
    const { store } = await open(new FakeMemento(), T1, T1, T2);
    await store.setDone('fundamentals', true);
    await store.setDone('networks', true);
    const reset = await store.reset();
    assert.deepEqual([...reset].sort(), ['fundamentals', 'networks']);
    assert.equal(store.isDone('fundamentals'), false);
    assert.equal(store.get('networks')?.at, T2);
  });

  it('fires a change event with the changed ids', async () => {
    const { store } = await open(new FakeMemento());
    const seen: string[][] = [];
    store.onDidChange((ids) => seen.push([...ids]));
    await store.setDone('networks', true);
    assert.deepEqual(seen, [['networks']]);
  });

  it('leaves memory unchanged when the write fails', async () => {
    const memento = new FakeMemento();
    const { store } = await open(memento);
    memento.failNextUpdate = new Error('disk full');
    await assert.rejects(store.setDone('networks', true), /disk full/);
    assert.equal(store.isDone('networks'), false);
  });

  it('migrates a format-1 value to the current format, keeping every completion', async () => {
    const memento = new FakeMemento({ [KEY]: { version: 1, completed: { fundamentals: T1, networks: T2 } } });
    const { store, problems, setAsideKey } = await open(memento);
    assert.deepEqual(problems, []);
    assert.equal(setAsideKey, undefined);
    assert.deepEqual(store.get('networks'), { state: 'done', at: T2, origin: 'self-reported' });
    assert.equal((memento.get(KEY) as { version: number }).version, PROGRESS_SCHEMA_VERSION);
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
    const damaged = {
      version: 2,
      records: {
        fundamentals: { state: 'done', at: T1, origin: 'self-reported' },
        networks: { state: 'maybe', at: T1, origin: 'self-reported' },
      },
    };
    const memento = new FakeMemento({ [KEY]: damaged });
    const { store, problems, setAsideKey } = await open(memento);
    assert.equal(store.isDone('fundamentals'), true);
    assert.equal(store.get('networks'), undefined);
    assert.deepEqual(problems, ['the record of "networks" is unreadable']);
    assert.deepEqual(memento.get(setAsideKey ?? ''), damaged);
  });

  it('keeps a value from a newer version aside and salvages what it understands', async () => {
    const future = { version: 99, records: { networks: { state: 'done', at: T1, origin: 'verified' } }, extra: [1] };
    const memento = new FakeMemento({ [KEY]: future });
    const { store, problems, setAsideKey } = await open(memento);
    assert.equal(store.isDone('networks'), true);
    assert.match(problems[0], /newer version of the extension \(format 99\)/);
    assert.deepEqual(memento.get(setAsideKey ?? ''), future);
  });

  it('keeps records of ids the curriculum no longer has, without counting them', async () => {
    const memento = new FakeMemento({
      [KEY]: { version: 2, records: { retired: { state: 'done', at: T1, origin: 'self-reported' } } },
    });
    const { store } = await open(memento);
    await store.setDone('networks', true);
    assert.ok(store.entries().has('retired'));
    assert.ok((memento.get(KEY) as { records: Record<string, unknown> }).records.retired);
  });

  it('reloads a value replaced behind its back (Settings Sync) and reports what changed', async () => {
    const memento = new FakeMemento();
    const { store } = await open(memento);
    await store.setDone('fundamentals', true);
    await memento.update(KEY, { version: 2, records: { networks: { state: 'done', at: T2, origin: 'self-reported' } } });
    const changed = store.reload();
    assert.deepEqual([...changed].sort(), ['fundamentals', 'networks']);
    assert.equal(store.isDone('networks'), true);
  });
});
