import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { failureLocation, TestEventReader, type TestResult } from '../../../src/core/check/testEvents';

/**
 * Real output of our reporter (dist/nodeTestReporter.mjs) over test/fixtures/events/a.test.mjs and
 * b.test.mjs, recorded in /tmp/rep with Node 24 and Node 20.
 */
const recorded = (node: string) => readFileSync(join(__dirname, '..', '..', 'fixtures', 'events', `${node}.jsonl`), 'utf8');
const results = (node: string) => new TestEventReader('/tmp/rep').read(recorded(node)).filter((event): event is TestResult => event.kind === 'result');

for (const node of ['node24', 'node20']) {
  describe(`TestEventReader on ${node}'s run`, () => {
    it('names each result by its suites, with its status: skipped and todo are never passes', () => {
      const seen = results(node).map((result) => `${result.status} ${result.path.join(' › ')}${result.suite ? ' (suite)' : ''}`);
      assert.deepEqual(seen, [
        'pass top passes',
        'fail top fails',
        'fail suite › deep fails',
        'skip suite › skips',
        'todo suite › later',
        'fail suite (suite)',
        'fail ',
      ]);
      assert.equal(results(node).find((result) => result.status === 'skip')?.reason, 'no docker');
    });

    it("gives a failed assertion's message, expected and actual values, and its line in the test file", () => {
      const failed = results(node).find((result) => result.path.join() === 'top fails');
      assert.ok(failed?.failure);
      assert.match(failed.failure.message, /^largest/);
      assert.equal(failed.failure.expected, '4');
      assert.equal(failed.failure.actual, '3');
      assert.deepEqual(failed.failure.location, { file: '/tmp/rep/a.test.mjs', line: 5, column: 10 });
      assert.equal(failed.line, 4);
      assert.ok((failed.durationMs ?? -1) >= 0);
      const deep = results(node).find((result) => result.path.join() === 'suite,deep fails');
      assert.equal(deep?.failure?.expected, '{ a: 2 }');
      assert.equal(deep?.failure?.actual, '{ a: 1 }');
      assert.equal(deep?.failure?.location?.line, 8);
    });

    it('reports a file that failed to load as a failure of the file, with the error it printed and where it was thrown', () => {
      const file = results(node).find((result) => result.path.length === 0);
      assert.equal(file?.file, '/tmp/rep/b.test.mjs');
      assert.match(file?.failure?.message ?? '', /^Error: TODO\(milestone 1\): build it/);
      assert.deepEqual(file?.failure?.location, { file: '/tmp/rep/b.test.mjs', line: 2, column: 7 });
    });

    it("passes the tests' output on", () => {
      const output = new TestEventReader('/tmp/rep').read(recorded(node)).filter((event) => event.kind === 'output');
      assert.ok(output.some((event) => event.kind === 'output' && event.text === 'hello out\n'));
    });
  });
}

describe('TestEventReader fed as the file grows', () => {
  it('reads each complete line once, keeping a half-written line for the next read', () => {
    const text = recorded('node24');
    const reader = new TestEventReader('/tmp/rep');
    const cut = text.indexOf('"top fails"') + 5;
    const first = reader.read(text.slice(0, cut));
    const rest = reader.read(text);
    const again = reader.read(text);
    const all = new TestEventReader('/tmp/rep').read(text);
    assert.deepEqual([...first, ...rest], all);
    assert.deepEqual(again, []);
  });

  it('skips lines that are not JSON instead of failing', () => {
    const events = new TestEventReader('/p').read('garbage\n{"event":"pass","name":"t","nesting":0,"file":"/p/t.mjs"}\n');
    assert.equal(events.length, 1);
  });
});

describe('failureLocation', () => {
  const stack = [
    'AssertionError [ERR_ASSERTION]: no',
    '    at check (/p/node_modules/lib/index.js:1:1)',
    '    at helper (/p/src/store.ts:10:3)',
    '    at TestContext.<anonymous> (file:///p/test/m1.test.ts:20:5)',
    '    at node:internal/test_runner/test:1:1',
  ].join('\n');

  it('prefers the frame in the test file', () => {
    assert.deepEqual(failureLocation(stack, '/p/test/m1.test.ts', '/p'), { file: '/p/test/m1.test.ts', line: 20, column: 5 });
  });

  it("falls back to the project's own code, never node_modules or node's internals", () => {
    assert.deepEqual(failureLocation(stack, '/p/test/other.test.ts', '/p'), { file: '/p/src/store.ts', line: 10, column: 3 });
    assert.equal(failureLocation('    at node:internal/x:1:1', '/p/t.ts', '/p'), undefined);
  });
});
