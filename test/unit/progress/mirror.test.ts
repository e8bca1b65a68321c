import * as assert from 'node:assert/strict';
import type { StampedRecord } from '../../../src/core/progress/codec';
import { MAX_MIRROR_BYTES, ProgressMirror, type EntryFacts, type MirrorFile } from '../../../src/core/progress/mirror';
import { ProgressStore } from '../../../src/core/progress/store';
import { exportJson } from '../../../src/core/progress/transfer';
import { FakeMemento, steppingClock } from '../../fakes/memento';
import { MemoryJournal } from '../../fakes/memoryJournal';

const NAME = '.roadmap/progress.json';
const OLD: StampedRecord = { state: 'done', at: '2024-01-01T00:00:00.000Z', origin: 'self-reported', stamp: '1704067200000-000000-other' };
/** From another machine of the learner's, a little later than this one's clock (2026-06-01). */
const NEW: StampedRecord = { state: 'done', at: '2026-06-01T01:00:00.000Z', origin: 'verified', evidence: { passed: 3 }, stamp: '1780275600000-000000-other' };
const KEY = 'c'.repeat(64);
const NOW = () => Date.parse('2026-06-01T00:00:00.000Z');
const FILE: EntryFacts = { kind: 'file', symbolicLink: false, size: 100 };
const FOLDER: EntryFacts = { kind: 'folder', symbolicLink: false, size: 0 };
const MISSING: EntryFacts = { kind: 'missing', symbolicLink: false, size: 0 };
/** What the learner's own roadmap writes: signed with their key. */
const mine = (records: Map<string, StampedRecord>) => exportJson(records, { signingKey: KEY });

class FakeFile implements MirrorFile {
  writes = 0;
  /** Called between the mirror's reads: lets a test change the file "meanwhile". */
  onRead: (() => void) | undefined;
  folder: EntryFacts | undefined;
  file: EntryFacts | undefined;
  constructor(public text: string | undefined) {}
  inspect(): Promise<{ folder: EntryFacts; file: EntryFacts }> {
    const present = this.text !== undefined;
    return Promise.resolve({
      folder: this.folder ?? (present ? FOLDER : MISSING),
      file: this.file ?? (present ? { ...FILE, size: this.text?.length ?? 0 } : MISSING),
    });
  }
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
    const mirror = new ProgressMirror(progress, file, NAME, KEY, NOW);
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
    const file = new FakeFile(
      mine(
        new Map([
          ['fundamentals', { ...OLD, state: 'not-done' }],
          ['networks', NEW],
          ['retired-topic', OLD],
        ]),
      ),
    );
    const outcome = await new ProgressMirror(progress, file, NAME, KEY, NOW).sync();
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
    const outcome = await new ProgressMirror(progress, file, NAME, KEY, NOW).sync();
    assert.equal(outcome.kind, 'unreadable');
    assert.match(
      outcome.kind === 'unreadable' ? outcome.problem : '',
      /^\.roadmap\/progress\.json:5:3 is not valid JSON \(unexpected "\}"\)\. Fix it, or delete it/,
    );
    assert.equal(file.text, broken);
    assert.equal(file.writes, 0);
  });

  it('leaves a file of a newer format as it is', async () => {
    const file = new FakeFile(JSON.stringify({ version: 9, records: { raft: { shape: 'new' } } }));
    const before = file.text;
    const outcome = await new ProgressMirror(await store(), file, NAME, KEY, NOW).sync();
    assert.equal(outcome.kind, 'unreadable');
    assert.match(outcome.kind === 'unreadable' ? outcome.problem : '', /newer version of the extension \(format 9\)/);
    assert.equal(file.text, before);
  });

  it('does not overwrite a file that changed while it merged: it merges the new text first', async () => {
    const progress = await store();
    await progress.setDone('fundamentals', true); // so the file needs writing
    const file = new FakeFile(mine(new Map([['networks', OLD]])));
    let changed = false;
    file.onRead = () => {
      if (!changed) {
        changed = true;
        file.text = mine(
          new Map([
            ['networks', OLD],
            ['raft', NEW],
          ]),
        ); // a git pull, meanwhile
      }
    };
    await new ProgressMirror(progress, file, NAME, KEY, NOW).sync();
    assert.ok(progress.isDone('raft'), 'the pulled record was lost');
    const written = JSON.parse(file.text ?? '') as { records: Record<string, StampedRecord> };
    assert.deepEqual(Object.keys(written.records), ['fundamentals', 'networks', 'raft']);
  });
  it('merges nothing from a file its roadmap did not sign, and does not write over it, until the learner imports it', async () => {
    const progress = await store();
    await progress.setDone('raft', true);
    const hostile = exportJson(
      new Map([
        ['networks', NEW],
        ['fundamentals', NEW],
      ]),
    ); // a cloned repository's, unsigned
    for (const text of [
      hostile,
      exportJson(
        new Map([
          ['networks', NEW],
          ['fundamentals', NEW],
        ]),
        { signingKey: 'd'.repeat(64) },
      ),
    ]) {
      const file = new FakeFile(text);
      const outcome = await new ProgressMirror(progress, file, NAME, KEY, NOW).sync();
      assert.equal(outcome.kind, 'foreign');
      assert.match(
        outcome.kind === 'foreign' ? outcome.problem : '',
        /\.roadmap\/progress\.json would change 2 item\(s\) of your progress, but your roadmap did not write it/,
      );
      assert.equal(file.writes, 0);
      assert.equal(file.text, text);
      assert.ok(!progress.isDone('networks') && !progress.isDone('fundamentals'));
    }
  });

  it('writes over an unsigned file that would change nothing, signing it', async () => {
    const progress = await store();
    await progress.merge(new Map([['networks', NEW]]));
    const file = new FakeFile(exportJson(new Map([['networks', { ...NEW, origin: 'self-reported' }]]))); // same stamp: nothing newer
    assert.deepEqual(await new ProgressMirror(progress, file, NAME, KEY, NOW).sync(), { kind: 'in-step', merged: 0, written: true });
    assert.match(file.text ?? '', /"signature": "hmac-sha256:[0-9a-f]{64}"/);
  });

  for (const [why, folder, fileFacts, pattern] of [
    [
      'the folder is a symbolic link',
      { ...FOLDER, symbolicLink: true },
      FILE,
      /^\.roadmap is a symbolic link, so your progress would be written outside the workspace/,
    ],
    ['the folder is a file', { ...FILE }, MISSING, /^\.roadmap is not a folder/],
    ['the file is a symbolic link', FOLDER, { ...FILE, symbolicLink: true }, /^\.roadmap\/progress\.json is a symbolic link/],
    ['the file is a folder', FOLDER, { ...FOLDER }, /^\.roadmap\/progress\.json is not a file/],
    ['the file is over 1 MB', FOLDER, { ...FILE, size: MAX_MIRROR_BYTES + 1 }, /^\.roadmap\/progress\.json is 1\.0 MB, more than the 1 MB/],
  ] as const) {
    it(`reads and writes nothing when ${why}`, async () => {
      const progress = await store();
      await progress.setDone('raft', true);
      const file = new FakeFile(mine(new Map([['networks', NEW]])));
      file.folder = folder;
      file.file = fileFacts;
      let reads = 0;
      file.onRead = () => reads++;
      const outcome = await new ProgressMirror(progress, file, NAME, KEY, NOW).sync();
      assert.equal(outcome.kind, 'unreadable');
      assert.match(outcome.kind === 'unreadable' ? outcome.problem : '', pattern);
      assert.equal(reads, 0);
      assert.equal(file.writes, 0);
      assert.ok(!progress.isDone('networks'));
    });
  }

  it("refuses a file whose records are stamped far ahead of this computer's clock, even when signed", async () => {
    const progress = await store();
    const future: StampedRecord = { ...NEW, stamp: '9999999999999-999999-other' };
    const file = new FakeFile(mine(new Map([['networks', future]])));
    const outcome = await new ProgressMirror(progress, file, NAME, KEY, NOW).sync();
    assert.equal(outcome.kind, 'unreadable');
    assert.match(outcome.kind === 'unreadable' ? outcome.problem : '', /"networks" is stamped [0-9,]+ days ahead of this computer's clock/);
    assert.ok(!progress.isDone('networks'));
    assert.equal(file.writes, 0);
  });
});
