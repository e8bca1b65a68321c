import * as assert from 'node:assert/strict';
import { parseCompiledCurriculum } from '../../../src/core/curriculum/load';

const FILE = '/ext/dist/curriculum.json';
const STEP = { id: 'a', title: 'A', objective: 'o', duration: { min: 1, max: 1, unit: 'month' } };

describe('parseCompiledCurriculum', () => {
  it('loads a compiled curriculum', () => {
    const result = parseCompiledCurriculum(JSON.stringify({ schemaVersion: 1, title: 'T', steps: [STEP] }), FILE);
    assert.ok(result.ok);
    assert.equal(result.curriculum.steps[0].id, 'a');
  });

  const damaged: [string, string, RegExp][] = [
    ['truncated JSON', '{"schemaVersion":1,"st', /is not valid JSON/],
    ['a list', '[]', /does not hold an object/],
    ['another schema version', JSON.stringify({ schemaVersion: 7, steps: [STEP] }), /schemaVersion is 7, this version of the extension reads 1/],
    ['no steps', JSON.stringify({ schemaVersion: 1, steps: [] }), /it has no steps/],
    ['a step without id', JSON.stringify({ schemaVersion: 1, steps: [{ ...STEP, id: 3 }] }), /step 1 lacks an id/],
  ];
  for (const [name, text, reason] of damaged) {
    it(`explains ${name}, naming the file and what to do`, () => {
      const result = parseCompiledCurriculum(text, FILE);
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.match(result.reason, reason);
        assert.ok(result.reason.includes(FILE));
        assert.match(result.reason, /Reinstall the extension/);
      }
    });
  }
});
