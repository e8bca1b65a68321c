// Entry point of the integration tests inside the extension host (the `run()` that
// @vscode/test-electron and the VS Code server's test payload call). Runs mocha over the
// compiled *.test.js files next to it and writes the results to DS_ROADMAP_TEST_RESULTS,
// because the host's exit code and output do not reach the harness reliably.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export interface TestResults {
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly tests: readonly { readonly title: string; readonly state: 'passed' | 'failed' | 'pending'; readonly error?: string }[];
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec' });
  // Only the tests whose full titles match (a regular expression), for a quick loop and for the harness self-tests.
  const grep = process.env.DS_ROADMAP_INTEGRATION_GREP;
  if (grep) {
    mocha.grep(new RegExp(grep));
  }
  for (const file of readdirSync(__dirname, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.test.js'))) {
    mocha.addFile(join(__dirname, file));
  }
  if (process.env.DS_ROADMAP_INJECT_FAILING_TEST === '1') {
    // Proof that a failing test turns the run red (used by the harness self-test).
    mocha.suite.addTest(
      new Mocha.Test('injected failure: this test fails on purpose', () => {
        throw new Error('deliberately failing test (DS_ROADMAP_INJECT_FAILING_TEST=1)');
      }),
    );
  }
  const tests: { title: string; state: 'passed' | 'failed' | 'pending'; error?: string }[] = [];
  await mocha.loadFilesAsync();
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (test) => tests.push({ title: test.fullTitle(), state: 'passed' }));
    runner.on('fail', (test, error: Error) => tests.push({ title: test.fullTitle(), state: 'failed', error: error.stack ?? error.message }));
    runner.on('pending', (test) => tests.push({ title: test.fullTitle(), state: 'pending' }));
  });
  const results: TestResults = {
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: tests.filter((t) => t.state === 'failed').length,
    pending: tests.filter((t) => t.state === 'pending').length,
    tests,
  };
  const target = process.env.DS_ROADMAP_TEST_RESULTS;
  if (target) {
    writeFileSync(target, JSON.stringify(results, null, 2));
  }
  if (failures > 0) {
    throw new Error(`${failures} integration test(s) failed.`);
  }
}
