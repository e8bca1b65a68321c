import * as assert from 'node:assert/strict';
import { declaredTests } from '../../../src/core/check/discover';

describe('declaredTests', () => {
  it('finds tests and suites with their lines, nested by indentation', () => {
    const text = [
      "import { describe, it, test } from 'node:test';",
      "test('top', () => {});",
      "describe('suite', () => {",
      "  it('inner \\'quoted\\'', async () => {});",
      '  it.skip("skipped", () => {});',
      '});',
      'test(\'computeRoot hashes "fsv1 <size>\\\\n"\', { timeout: 5 }, () => {});',
    ].join('\n');
    const tests = declaredTests(text);
    assert.deepEqual(
      tests.map((t) => [t.name, t.line, t.children.map((c) => [c.name, c.line, c.column])]),
      [
        ['top', 1, []],
        [
          'suite',
          2,
          [
            ["inner 'quoted'", 3, 2],
            ['skipped', 4, 2],
          ],
        ],
        ['computeRoot hashes "fsv1 <size>\\n"', 6, []],
      ],
    );
  });

  it('leaves out names computed at run time and calls that are not tests', () => {
    const text = ['test(`case ${n}`, () => {});', "latest('x');", "  contest('y');", 'test(name, () => {});'].join('\n');
    assert.deepEqual(declaredTests(text), []);
  });
});
