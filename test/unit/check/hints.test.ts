import * as assert from 'node:assert/strict';
import { failuresInARow, hintsToShow } from '../../../src/core/check/hints';

describe('hints of a failing milestone', () => {
  const hints = { first: 'Look at the WAL.', second: 'fsync before you answer.', read: ['replication'] };

  it('shows nothing while nothing failed, the first hint from the first failure, both from the third in a row', () => {
    assert.equal(hintsToShow(hints, 0), undefined);
    assert.deepEqual(hintsToShow(hints, 1), { texts: ['Look at the WAL.'], read: ['replication'] });
    assert.deepEqual(hintsToShow(hints, 2)?.texts, ['Look at the WAL.']);
    assert.deepEqual(hintsToShow(hints, 3)?.texts, ['Look at the WAL.', 'fsync before you answer.']);
    assert.equal(hintsToShow(undefined, 5), undefined);
  });

  it('counts failed checks in a row: a pass or a crash in between starts over', () => {
    assert.equal(failuresInARow(undefined, true), 1);
    assert.equal(failuresInARow({ outcome: 'failed' }, true), 2);
    assert.equal(failuresInARow({ outcome: 'failed', failedInARow: 2 }, true), 3);
    assert.equal(failuresInARow({ outcome: 'passed' }, true), 1);
    assert.equal(failuresInARow({ outcome: 'crashed' }, true), 1);
    assert.equal(failuresInARow({ outcome: 'failed', failedInARow: 4 }, false), 0);
  });
});
