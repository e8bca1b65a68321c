import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalFiles } from '../../../src/progress/journalFiles';

describe('JournalFiles', () => {
  let root: string;
  let folder: string;
  let journals: JournalFiles;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ds-roadmap-journal-files-'));
    folder = join(root, 'progress');
    journals = new JournalFiles(folder);
  });

  afterEach(() => {
    journals.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  const text = (name: string) => readFileSync(join(folder, name), 'utf8');

  it('appends each text whole and in order, making the folder on the first append', async () => {
    await journals.append('journal-w1.jsonl', 'one\n');
    await journals.append('journal-w1.jsonl', `${'x'.repeat(200_000)}\n`);
    await journals.append('journal-w1.jsonl', 'three\n');
    assert.equal(text('journal-w1.jsonl'), `one\n${'x'.repeat(200_000)}\nthree\n`);
  });

  it('never appends to a journal another window renamed to fold it: the next append starts a new file under the name', async () => {
    await journals.append('journal-w1.jsonl', 'before\n');
    renameSync(join(folder, 'journal-w1.jsonl'), join(folder, 'journal-w1.jsonl.folding-w2'));
    await journals.append('journal-w1.jsonl', 'after\n');
    assert.equal(text('journal-w1.jsonl.folding-w2'), 'before\n');
    assert.equal(text('journal-w1.jsonl'), 'after\n');
  });

  it('appends after a snapshot to the snapshot, not to the file it replaced', async () => {
    await journals.append('journal-w1.jsonl', 'old\n');
    await journals.replace('journal-w1.jsonl', 'snapshot\n');
    await journals.append('journal-w1.jsonl', 'next\n');
    assert.equal(text('journal-w1.jsonl'), 'snapshot\nnext\n');
  });

  it('makes the folder again when it was removed between appends (the extension storage cleared)', async () => {
    await journals.append('journal-w1.jsonl', 'gone\n');
    rmSync(folder, { recursive: true });
    await journals.append('journal-w1.jsonl', 'again\n');
    assert.equal(text('journal-w1.jsonl'), 'again\n');
  });

  it('keeps each journal apart when appends alternate between two names', async () => {
    await journals.append('journal-w1.jsonl', 'a1\n');
    await journals.append('journal-w2.jsonl', 'b1\n');
    await journals.append('journal-w1.jsonl', 'a2\n');
    assert.equal(text('journal-w1.jsonl'), 'a1\na2\n');
    assert.equal(text('journal-w2.jsonl'), 'b1\n');
  });

  it('appends again after being disposed, opening the journal anew', async () => {
    await journals.append('journal-w1.jsonl', 'a\n');
    journals.dispose();
    await journals.append('journal-w1.jsonl', 'b\n');
    assert.equal(text('journal-w1.jsonl'), 'a\nb\n');
  });
});
