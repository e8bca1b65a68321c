import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEFAULT_NOTES_FOLDER, notesFile, notesFolder, notesTemplate } from '../../../src/core/notes/notes';
import { STUDY_STEPS } from '../fixtures/curriculum';

describe('topic notes', () => {
  it("live in the workspace's .roadmap/notes by default, in a folder relative to the workspace or absolute when set, and in the extension's storage without a workspace", () => {
    assert.equal(notesFolder('', '/ws', '/storage'), join('/ws', DEFAULT_NOTES_FOLDER));
    assert.equal(notesFolder('  ', '/ws', '/storage'), join('/ws', '.roadmap', 'notes'));
    assert.equal(notesFolder('study/notes', '/ws', '/storage'), join('/ws', 'study', 'notes'));
    assert.equal(notesFolder('/home/me/notes', '/ws', '/storage'), '/home/me/notes');
    assert.equal(notesFolder('', undefined, '/storage'), join('/storage', 'notes'));
  });

  it('name a file after the topic id, and refuse anything that is not a curriculum id (no way out of the folder)', () => {
    assert.equal(notesFile('/n', 'raft-log-replication'), join('/n', 'raft-log-replication.md'));
    for (const bad of ['../x', 'a/b', '', 'A', '..', 'x.md']) {
      assert.throws(() => notesFile('/n', bad), /not a topic id/, bad);
    }
  });

  it('start with the topic as a heading and its step', () => {
    assert.equal(notesTemplate(STUDY_STEPS[1], 2, STUDY_STEPS[1].topics[0]), '# Topic c\n\nStep 2: Two. My notes on this topic.\n\n');
  });
});
