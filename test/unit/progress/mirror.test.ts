import * as assert from 'node:assert/strict';
import type { StampedRecord } from '../../../src/core/progress/codec';
import { ProgressMirror, type MirrorFile } from '../../../src/core/progress/mirror';
import { ProgressStore } from '../../../src/core/progress/store';
import { exportJson } from '../../../src/core/progress/transfer';
import { FakeMemento, steppingClock } from '../../fakes/memento';
import { MemoryJournal } from '../../fakes/memoryJournal';

const NAME = '.roadmap/progress.json';
const OLD: StampedRecord = { state: 'done', at: '2024-01-01T00:00:00.000Z', origin: 'self-reported', stamp: '1704067200000-000000-other' };
const NEW: StampedRecord = { state: 'done', at: '2030-01-01T00:00:00.000Z', origin: 'verified', evidence: { passed: 3 }, stamp: '1893456000000-000000-other' };

class FakeFile implements MirrorFile {
  writes = 0;
  /** Called between the mirror's reads: lets a test change the file "meanwhile". */
  onRead: (() => void) | undefined;
  constructor(public text: string | undefined) {}
  read(): Promise<string | undefined> {
    const text = this.text;
    this.onRead?.();
    return Promise.resolve(text);
  }
  write(text: string): Promise<void> {
    this.writes++;
    this.text = text;
    return Promise.resolve();
  }
}

async function store() {
  const { store } = await ProgressStore.open(new FakeMemento(), {
    key: 'k',
    setAsidePrefix: 'a.',
    knownIds: new Set(['networks', 'fundamentals', 'raft']),
    journal: new MemoryJournal(),
    node: 'here',
    clock: steppingClock('2026-06-01T00:00:00.000Z'),
  });
  return store;
}

describe('ProgressMirror (.roadmap/progress.json)', () => {
  it('writes the progress to a missing file, sorted and without a time of writing, then leaves it alone', async () => {
    const progress = await store();
    await progress.setDone('raft', true);
    await progress.setDone('fundamentals', true);
    const file = new FakeFile(undefined);
    const mirror = new ProgressMirror(progress, file, NAME);
    assert.deepEqual(await mirror.sync(), { kind: 'in-step', merged: 0, written: true });
    const written = JSON.parse(file.text ?? '') as { format: string; version: number; records: Record<string, StampedRecord> };
    assert.equal(written.format, 'ds-roadmap-progress');
    assert.deepEqual(Object.keys(written.records), ['fundamentals', 'raft']);
    assert.ok(!/exportedAt/.test(file.text ?? ''));
    assert.deepEqual(await mirror.sync(), { kind: 'in-step', merged: 0, written: false });
    assert.equal(file.writes, 1);
  });

  it('merges both ways: newer records of the file land, newer local ones are written back, unknown items stay in the file', async () => {
    const progress = await store();
    await progress.setDone('fundamentals', true); // 2026: newer than OLD
    const file = new FakeFile(exportJson(new Map([['fundamentals', { ...OLD, state: 'not-done' }], ['networks', NEW], ['retired-topic', OLD]])));
    const outcome = await new ProgressMirror(progress, file, NAME).sync();
    assert.deepEqual(outcome, { kind: 'in-step', merged: 1, written: true });
    assert.ok(progress.isDone('networks'));
    assert.ok(progress.isDone('fundamentals'));
    const written = JSON.parse(file.text ?? '') as { records: Record<string, StampedRecord> };
    assert.deepEqual(Object.keys(written.records), ['fundamentals', 'networks', 'retired-topic']);
    assert.equal(written.records.fundamentals.state, 'done');
    assert.deepEqual(written.records['retired-topic'], OLD);
  });

  it('never writes over a file it cannot read, and names the file and line', async () => {
    const progress = await store();
    await progress.setDone('raft', true);
    const broken = '{\n  "version": 3,\n  "records": {\n    "raft": \n  }\n}\n';
    const file = new FakeFile(broken);
    const outcome = await new ProgressMirror(progress, file, NAME).sync();
    assert.equal(outcome.kind, 'unreadable');
    assert.match(outcome.kind === 'unreadable' ? outcome.problem : '', /^\.roadmap\/progress\.json:5:3 is not valid JSON \(unexpected "\}"\)\. Fix it, or delete it/);
    assert.equal(file.text, broken);
    assert.equal(file.writes, 0);
  });

  it('leaves a file of a newer format as it is', async () => {
    const file = new FakeFile(JSON.stringify({ version: 9, records: { raft: { shape: 'new' } } }));
    const before = file.text;
    const outcome = await new ProgressMirror(await store(), file, NAME).sync();
    assert.equal(outcome.kind, 'unreadable');
    assert.match(outcome.kind === 'unreadable' ? outcome.problem : '', /newer version of the extension \(format 9\)/);
    assert.equal(file.text, before);
  });

  it('does not overwrite a file that changed while it merged: it merges the new text first', async () => {
    const progress = await store();
    await progress.setDone('fundamentals', true); // so the file needs writing
    const file = new FakeFile(exportJson(new Map([['networks', OLD]])));
    let changed = false;
    file.onRead = () => {
      if (!changed) {
        changed = true;
        file.text = exportJson(new Map([['networks', OLD], ['raft', NEW]])); // a git pull, meanwhile
      }
    };
    await new ProgressMirror(progress, file, NAME).sync();
    assert.ok(progress.isDone('raft'), 'the pulled record was lost');
    const written = JSON.parse(file.text ?? '') as { records: Record<string, StampedRecord> };
    assert.deepEqual(Object.keys(written.records), ['fundamentals', 'networks', 'raft']);
  });
});
