import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TestEventReader, type TestResult } from '../../../src/core/check/testEvents';
import { distFile } from '../freshBuild';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'events');

describe('our node:test reporter (dist/nodeTestReporter.mjs), run by this Node', function () {
  this.timeout(30_000);

  it('reports every test of a real run as the reader expects: skipped and todo apart from passes, failures with where they failed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reporter-'));
    try {
      const out = join(dir, 'events.jsonl');
      const args = [
        '--test',
        '--test-concurrency=1',
        `--test-reporter=${pathToFileURL(distFile('nodeTestReporter.mjs')).href}`,
        `--test-reporter-destination=${out}`,
      ];
      try {
        execFileSync(process.execPath, [...args, 'a.test.mjs', 'b.test.mjs'], { cwd: FIXTURES, stdio: 'ignore' });
      } catch {
        // The fixtures fail on purpose: node exits 1.
      }
      const results = new TestEventReader(FIXTURES).read(readFileSync(out, 'utf8')).filter((event): event is TestResult => event.kind === 'result');
      assert.deepEqual(
        results.map((result) => `${result.status} ${result.path.join(' › ')}`),
        ['pass top passes', 'fail top fails', 'fail suite › deep fails', 'skip suite › skips', 'todo suite › later', 'fail suite', 'fail '],
      );
      const failed = results.find((result) => result.path.join() === 'top fails');
      assert.deepEqual(failed?.failure?.location, { file: join(FIXTURES, 'a.test.mjs'), line: 5, column: 10 });
      assert.equal(failed?.failure?.expected, '4');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
