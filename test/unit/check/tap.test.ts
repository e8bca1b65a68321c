import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCommand, compareVersions, judgeRun, singleTestCommand } from '../../../src/core/check/outcome';
import { parseTap } from '../../../src/core/check/tap';
import type { CompiledTemplate } from '../../../src/core/scaffold/template';

/** Real node:test TAP output (Node 24), recorded from the runs their names say. */
const tap = (name: string) => readFileSync(join(__dirname, '..', '..', 'fixtures', 'tap', `${name}.tap`), 'utf8');

describe('parseTap and judgeRun', () => {
  it('reads a passing run: counts and no failures', () => {
    const report = parseTap(tap('pass'));
    assert.deepEqual(report.summary, { tests: 4, pass: 3, fail: 0, cancelled: 0, skipped: 1, todo: 0 });
    assert.deepEqual(report.failures, []);
    assert.deepEqual(report.notRun, [{ path: ['later'], directive: 'SKIP', reason: '' }]);
    // A skipped test is never a pass: the run is unverified, and says which test did not run.
    assert.deepEqual(judgeRun(0, report), { kind: 'unverified', tests: 4, skipped: 1, reasons: ['later: skipped without a reason'] });
  });

  it('calls a run whose tests all passed but some were skipped or todo unverified, with each reason', () => {
    const report = parseTap(tap('unverified'));
    assert.deepEqual(report.summary, { tests: 4, pass: 1, fail: 0, cancelled: 0, skipped: 2, todo: 1 });
    assert.deepEqual(report.notRun, [
      { path: ['live run'], directive: 'SKIP', reason: 'no Docker engine answered `docker info` within 5 s' },
      { path: ['plain skip'], directive: 'SKIP', reason: '' },
      { path: ['k8s'], directive: 'TODO', reason: 'needs a cluster' },
    ]);
    assert.deepEqual(judgeRun(0, report), {
      kind: 'unverified',
      tests: 4,
      skipped: 3,
      reasons: ['live run: no Docker engine answered `docker info` within 5 s', 'plain skip: skipped without a reason', 'k8s: needs a cluster'],
    });
  });

  it('does not count a failing todo test as a failure, nor as a pass', () => {
    const report = parseTap(
      "TAP version 13\n# Subtest: later\nnot ok 1 - later # TODO write it\n  ---\n  type: 'test'\n  ...\n1..1\n# tests 1\n# pass 0\n# fail 0\n# cancelled 0\n# skipped 0\n# todo 1\n",
    );
    assert.deepEqual(report.failures, []);
    assert.deepEqual(judgeRun(0, report), { kind: 'unverified', tests: 1, skipped: 1, reasons: ['later: write it'] });
  });

  it('calls a run where every test ran and passed passed', () => {
    const report = parseTap(
      "TAP version 13\n# Subtest: a\nok 1 - a\n  ---\n  type: 'test'\n  ...\n1..1\n# tests 1\n# pass 1\n# fail 0\n# cancelled 0\n# skipped 0\n# todo 0\n",
    );
    assert.deepEqual(judgeRun(0, report), { kind: 'passed', tests: 1, skipped: 0 });
  });

  it('names each failing test by its suites with its first error line, not the suites themselves', () => {
    const report = parseTap(tap('fail'));
    assert.deepEqual(report.failures, [
      { path: ['replication', 'acknowledges after a majority'], error: 'acked with 1 of 3 replicas' },
      { path: ['replication', 'nested', 'throws TODO'], error: 'TODO(milestone 3): replicate writes' },
    ]);
    const outcome = judgeRun(1, report);
    assert.equal(outcome.kind, 'failed');
    assert.ok(outcome.kind === 'failed');
    assert.equal(outcome.failed, 2);
    assert.deepEqual(outcome.failures, [
      'replication › acknowledges after a majority: acked with 1 of 3 replicas',
      'replication › nested › throws TODO: TODO(milestone 3): replicate writes',
    ]);
  });

  it('reports a test file that exits midway as a failure of that file', () => {
    const outcome = judgeRun(1, parseTap(tap('crash')));
    assert.ok(outcome.kind === 'failed', JSON.stringify(outcome));
    assert.ok(outcome.failures.some((failure) => failure.startsWith('crash.test.mjs')));
  });

  it('reports a test file that cannot even be imported as a failure of that file', () => {
    const outcome = judgeRun(1, parseTap(tap('importfail')));
    assert.ok(outcome.kind === 'failed');
    assert.deepEqual(outcome.failures, ['importfail.test.mjs: test failed']);
  });

  it('reads a regression run over two files', () => {
    const report = parseTap(tap('regression'));
    assert.equal(report.summary?.tests, 7);
    assert.equal(report.summary?.fail, 2);
    assert.equal(report.failures.length, 2);
  });

  it('calls a run without a summary a crash, never a pass', () => {
    const truncated = tap('pass').split('\n').slice(0, 10).join('\n');
    assert.deepEqual(judgeRun(0, parseTap(truncated)), {
      kind: 'crashed',
      reason: 'the test run ended (exit code 0) before node:test reported its results',
    });
    assert.equal(judgeRun(undefined, undefined).kind, 'crashed');
  });

  it('calls a run of zero tests a crash', () => {
    assert.equal(judgeRun(0, parseTap('TAP version 13\n1..0\n# tests 0\n# pass 0\n# fail 0\n')).kind, 'crashed');
  });

  it('does not call a run passed when the summary is clean but the exit code is not', () => {
    assert.equal(judgeRun(1, parseTap(tap('pass'))).kind, 'failed');
  });
});

describe('checkCommand', () => {
  const template: CompiledTemplate = {
    project: 'p',
    minNodeVersion: '22.18.0',
    readme: 'README.md',
    variables: [],
    milestones: [
      { id: 'one', tests: ['test/m1.test.ts'] },
      { id: 'two', tests: ['test/m2a.test.ts', 'test/m2b.test.ts'] },
      { id: 'three', tests: ['test/m3.test.ts'] },
    ],
    files: [],
  };

  it('runs the checked milestone and every earlier one, one file at a time, with TAP to a file', () => {
    const command = checkCommand(template, 'two', '/tmp/out.tap');
    assert.deepEqual(command.milestones, ['one', 'two']);
    assert.deepEqual(command.args.slice(-3), ['test/m1.test.ts', 'test/m2a.test.ts', 'test/m2b.test.ts']);
    assert.ok(command.args.includes('--test-reporter-destination=/tmp/out.tap'));
    assert.ok(command.args.includes('--test-concurrency=1'));
  });

  it('adds our JSON-lines reporter and its file when asked, the tests still last', () => {
    const command = checkCommand(template, 'two', '/tmp/out.tap', { reporter: 'file:///ext/dist/nodeTestReporter.mjs', file: '/tmp/out.jsonl' });
    const reporters = command.args.filter((arg) => arg.startsWith('--test-reporter'));
    assert.deepEqual(reporters.slice(-2), ['--test-reporter=file:///ext/dist/nodeTestReporter.mjs', '--test-reporter-destination=/tmp/out.jsonl']);
    assert.deepEqual(command.args.slice(-3), ['test/m1.test.ts', 'test/m2a.test.ts', 'test/m2b.test.ts']);
  });

  it('runs one test alone by its exact name, regular-expression characters escaped', () => {
    const command = singleTestCommand('/p/test/m1.test.ts', ['suite', 'a (b) costs $1.50?'], '/tmp/out.tap');
    assert.ok(command.args.includes('--test-name-pattern=^a \\(b\\) costs \\$1\\.50\\?$'), command.args.join(' '));
    const pattern = new RegExp(command.args.find((arg) => arg.startsWith('--test-name-pattern='))?.slice('--test-name-pattern='.length) ?? '');
    assert.ok(pattern.test('a (b) costs $1.50?'));
    assert.ok(!pattern.test('a (b) costs $1.50? too'));
    assert.equal(command.args[command.args.length - 1], '/p/test/m1.test.ts');
  });

  it('refuses an unknown milestone', () => {
    assert.throws(() => checkCommand(template, 'four', 'x'), /no milestone "four"/);
  });

  it('compares Node versions numerically', () => {
    assert.ok(compareVersions('v20.20.2', '22.18.0') < 0);
    assert.ok(compareVersions('v22.18.0', '22.18.0') === 0);
    assert.ok(compareVersions('v24.1.0', '22.18.0') > 0);
    assert.ok(compareVersions('22.9.0', '22.18.0') < 0);
  });
});
