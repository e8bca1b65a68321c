import * as assert from 'node:assert/strict';
import { milestoneKey, parseMilestoneKey } from '../../../src/core/curriculum/model';

describe('milestone keys', () => {
  it('splits a key back into the project and milestone ids it was built from', () => {
    const key = milestoneKey('fault-tolerant-db', 'single-node-wal');
    assert.equal(key, 'fault-tolerant-db/single-node-wal');
    assert.deepEqual(parseMilestoneKey(key), { project: 'fault-tolerant-db', milestone: 'single-node-wal' });
  });

  it('reads an id without a slash as no milestone key', () => {
    assert.equal(parseMilestoneKey('fault-tolerant-db'), undefined);
  });
});
