import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonErrorLocation, jsonErrorOffset } from '../../../src/core/util/jsonPosition';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('jsonErrorLocation', () => {
  it('points at the first character that is not JSON', () => {
    assert.deepEqual(jsonErrorLocation('{\n  "a": 1,\n  "b": oops\n}'), { line: 3, column: 8 });
    assert.deepEqual(jsonErrorLocation('[1, 2,]'), { line: 1, column: 7 });
    assert.deepEqual(jsonErrorLocation('{"a": "unterminated'), { line: 1, column: 20 });
    assert.deepEqual(jsonErrorLocation('{} extra'), { line: 1, column: 4 });
    assert.deepEqual(jsonErrorLocation(''), { line: 1, column: 1 });
    assert.equal(jsonErrorLocation(' {"a": [true, false, null, -1.5e3, "\\u00e9\\n"]} '), undefined);
  });

  it('agrees with JSON.parse on what is JSON, over 5,000 texts and their damaged copies', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.nat(),
        fc.constantFrom('', ',', '}', ']', '"', ':', 'x', '\u0001', ' ', '\\', '0', '-'),
        fc.boolean(),
        (value, cut, insert, pretty) => {
          const text = JSON.stringify(value, undefined, pretty ? 2 : undefined);
          const position = cut % (text.length + 1);
          const damaged = text.slice(0, position) + insert + text.slice(position + (insert === '' ? 1 : 0));
          for (const candidate of [text, damaged]) {
            assert.equal(jsonErrorOffset(candidate) === undefined, parses(candidate), JSON.stringify(candidate));
          }
        },
      ),
      { numRuns: 5_000, seed: 20_261_130 },
    );
  });
});
