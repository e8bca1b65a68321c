import * as assert from 'node:assert/strict';
import { decodeStoredProgress } from '../../../src/core/progress/codec';

const T = '2026-01-02T03:04:05.000Z';

describe('decodeStoredProgress', () => {
  const corrupt: [string, unknown][] = [
    ['null', null],
    ['a number', 42],
    ['a list', [1, 2]],
    ['an object without version', { records: {} }],
    ['a version given as text', { version: '2', records: {} }],
    ['records that are a list', { version: 2, records: [] }],
    ['a record with a bad time', { version: 2, records: { a: { state: 'done', at: 'yesterday', origin: 'self-reported' } } }],
    ['a record with an unknown origin', { version: 2, records: { a: { state: 'done', at: T, origin: 'guessed' } } }],
    ['a record with nested evidence', { version: 2, records: { a: { state: 'done', at: T, origin: 'verified', evidence: { x: {} } } } }],
    ['format 1 with a bad time', { version: 1, completed: { a: 5 } }],
  ];
  for (const [name, raw] of corrupt) {
    it(`flags ${name} to be kept aside, without throwing`, () => {
      const result = decodeStoredProgress(raw);
      assert.equal(result.setAside, true);
      assert.ok(result.problems.length > 0);
    });
  }

  it('reads a sound current value without problems', () => {
    const result = decodeStoredProgress({ version: 2, records: { a: { state: 'done', at: T, origin: 'self-reported' } } });
    assert.equal(result.setAside, false);
    assert.deepEqual(result.problems, []);
    assert.equal(result.records.get('a')?.state, 'done');
  });
});
