// Proves the real-VS Code harnesses cannot pass a broken run: a failing integration test, a suite
// that runs no test and a suite that never reports each turn the integration run red; a failing
// UI test and a UI run with no test turn the UI run red. Runs them as `npm test` does (after the
// build and the package they use). Also runs `npm start` on the server path and checks the
// roadmap it opens shows its six steps.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Runs one of scripts/vscode/ as npm test does, with `env` added; its exit status and output. */
function runScript(script: string, args: readonly string[], env: Record<string, string>): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'vscode', script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const runHarness = (env: Record<string, string>) => runScript('run-integration.ts', ['--no-build'], env);
const runUi = (env: Record<string, string>) => runScript('run-ui.ts', ['--no-package'], env);

describe('integration harness (real VS Code)', function () {
  this.timeout(300_000);

  it('turns red when one integration test fails, and names it', () => {
    // One real test beside the injected one: the verdict, not the suite, is what is under test.
    const { status, output } = runHarness({ DS_ROADMAP_INJECT_FAILING_TEST: '1', DS_ROADMAP_INTEGRATION_GREP: 'registers every command|injected failure' });
    assert.equal(status, 1, output);
    assert.match(output, /✔ Roadmap in a real VS Code registers every command/);
    assert.match(output, /✖ injected failure: this test fails on purpose/);
    assert.match(output, /integration: 1 passed, 1 failed/);
  });

  it('turns red when the suite runs no test', () => {
    const { status, output } = runHarness({ DS_ROADMAP_TESTS_PATH: join(ROOT, 'test', 'fixtures', 'suites', 'zero-tests.js') });
    assert.equal(status, 1, output);
    assert.match(output, /integration: no test ran\./);
  });

  it('turns red when the suite never reports, though the extension host exits 0', () => {
    const { status, output } = runHarness({
      DS_ROADMAP_TESTS_PATH: join(ROOT, 'test', 'fixtures', 'suites', 'throws.js'),
      DS_ROADMAP_TEST_TIMEOUT_MS: '25000',
    });
    assert.equal(status, 1, output);
    assert.match(output, /integration: no results after 25 s/);
  });
});

describe('UI harness (real VS Code in Chromium)', function () {
  this.timeout(300_000);

  it('turns red when one UI test fails, and names it', () => {
    const { status, output } = runUi({ DS_ROADMAP_UI_FILTER: 'the sidebar, for the README', DS_ROADMAP_UI_INJECT_FAILING_TEST: '1' });
    assert.equal(status, 1, output);
    assert.match(output, /✔ the sidebar, for the README/);
    assert.match(output, /✖ injected failure: this UI test fails on purpose/);
    assert.match(output, /^1 passed, 1 failed$/m);
  });

  it('turns red when no UI test runs', () => {
    const { status, output } = runUi({ DS_ROADMAP_UI_FILTER: 'no UI test has this name' });
    assert.equal(status, 1, output);
    assert.match(output, /^0 passed, 0 failed$/m);
  });
});

describe('npm start (real VS Code)', function () {
  this.timeout(300_000);

  it('opens a workbench whose roadmap view shows the six steps', () => {
    const { status, output } = runScript('start.ts', [], { DS_ROADMAP_USE_SERVER: '1', DS_ROADMAP_START_CHECK: '1' });
    assert.equal(status, 0, output);
    assert.match(output, /start: the roadmap shows 6 steps/);
  });
});
