// What a failing milestone run leaves for you to read: `.runs/<milestone>-<seed>/` in the project
// (git-ignored). SUMMARY.md names the first test that failed and its assertion; beside it, each
// process's whole stderr across restarts, the proxies' message log (who sent what to whom, when,
// and what the fault injector did), the operation history when the test keeps one, and the files a
// failing test attached (a linearizability timeline). Everything is appended while the tests run;
// when every test of the file passes, the folder is removed (an older failure of that seed with it).
// Only a milestone test file run by `node --test` records anything; the CLI tools never do.
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, beforeEach } from 'node:test';
import { performance } from 'node:perf_hooks';

export const RUNS_DIR = join(import.meta.dirname, '..', '.runs');
const FLUSH_AT = 64 * 1024;
const MAX_MESSAGE_CHARS = 400;

const testFile = process.argv[1] ?? '';
const recording = process.env.NODE_TEST_CONTEXT !== undefined && /\.test\.ts$/.test(testFile);
/** True in a milestone test file: worth preparing what only a failing run's record shows. */
export const RECORDING = recording;
/** `m3-replication` for test/m3-replication.test.ts. */
const milestone = basename(testFile).replace(/\.test\.ts$/, '');
const seed = process.env.ROADMAP_SEED ?? '1';
/** Where this file's run writes: .runs/m3-replication-1/ for seed 1. */
export const RUN_DIR = join(RUNS_DIR, `${milestone}-${seed}`);

interface Failure {
  readonly test: string;
  readonly message: string;
}

const pending = new Map<string, string>();
const started = new Map<string, number | undefined>();
const failures: Failure[] = [];
/** Files attached by the test running now; written only if it fails. */
let attachments = new Map<string, string>();
let currentTest = '(before the first test)';

function stamp(): string {
  return `${performance.now().toFixed(1).padStart(9)} ms`;
}

function append(file: string, text: string): void {
  if (!recording) {
    return;
  }
  const buffered = (pending.get(file) ?? '') + text;
  pending.set(file, buffered);
  if (buffered.length >= FLUSH_AT) {
    flush(file);
  }
}

function flush(file: string): void {
  const text = pending.get(file);
  if (text) {
    appendFileSync(join(RUN_DIR, file), text);
  }
  pending.delete(file);
}

const markedFor = new Map<string, string>();

/** Appends a line, after a "=== test ===" line when it is the file's first during this test. */
function appendMarked(file: string, line: string): void {
  if (markedFor.get(file) !== currentTest) {
    markedFor.set(file, currentTest);
    append(file, `${stamp()}  === test: ${currentTest} ===\n`);
  }
  append(file, line);
}

/** A process's stderr, appended to `<name>.stderr.log`; a new pid under the same name (a restart) gets a header line. */
export function recordStderr(name: string, pid: number | undefined, text: string): void {
  const file = `${name.replace(/[^\w.-]/g, '_')}.stderr.log`;
  if (!started.has(file) || started.get(file) !== pid) {
    const restart = started.has(file);
    started.set(file, pid);
    append(file, `${restart ? '\n' : ''}--- ${name} ${restart ? 'restarted' : 'started'} (pid ${pid ?? '?'}) at ${stamp()}, during "${currentTest}" ---\n`);
  }
  append(file, text);
}

/** One message through a proxy, or one thing the fault injector did, to messages.log. */
export function recordMessage(proxy: string, what: string): void {
  const line = what.length > MAX_MESSAGE_CHARS ? `${what.slice(0, MAX_MESSAGE_CHARS)}… (${what.length} chars)` : what;
  appendMarked('messages.log', `${stamp()}  ${proxy.padEnd(16)} ${line}\n`);
}

/** One operation as its client saw it, to history.log. */
export function recordOperation(line: string): void {
  appendMarked('history.log', `${line}\n`);
}

/** A file for the test running now (a timeline, a minimal history), written only if that test fails. */
export function attachToTest(file: string, text: string): void {
  if (recording) {
    attachments.set(file, text);
  }
}

/** Forgets what the test running now attached (a check about to run again attaches afresh). */
export function clearAttachments(): void {
  attachments = new Map();
}

function writeSummary(): void {
  const [first, ...others] = failures;
  const number = /^m(\d+)-/.exec(milestone)?.[1] ?? milestone;
  const lines = [
    `# ${milestone}, seed ${seed}: ${failures.length > 0 ? 'failed' : 'the test file failed outside a test'}`,
    '',
    first
      ? `First violated property: **${first.test}**`
      : 'No test failed, yet the file did (a hook, or an error outside any test): read the test output.',
    '',
    ...(first ? ['```', first.message.split('\n').slice(0, 80).join('\n'), '```', ''] : []),
    ...(others.length > 0 ? ['Also failed:', ...others.map((f) => `- ${f.test}: ${f.message.split('\n')[0]}`), ''] : []),
    `Run it again: \`npm run check -- ${number} --seed ${seed}\`${first ? `, or this test alone: \`npm run check -- ${number} --seed ${seed} --test ${JSON.stringify(first.test.split(' > ').pop())}\`` : ''}.`,
    '',
    'In this folder (times are milliseconds since the test file started; a "=== test ===" line starts what each test logged):',
    '',
    ...readdirSync(RUN_DIR)
      .filter((file) => file !== 'SUMMARY.md')
      .sort()
      .map((file) => `- ${file}${describe(file)}`),
    '',
  ];
  writeFileSync(join(RUN_DIR, 'SUMMARY.md'), lines.join('\n'));
}

/** What a file of the folder holds, by its name: only the files this run wrote are listed. */
function describe(file: string): string {
  if (file.endsWith('.stderr.log')) {
    return ": the process's stderr, all its restarts";
  }
  if (file.endsWith('.stdout.log')) {
    return ": the process's stdout (its log lines)";
  }
  if (file === 'messages.log') {
    return ': the proxies (time, link, message, what the fault injector did)';
  }
  if (file === 'history.log') {
    return ': the operations (start .. end, client, operation, outcome)';
  }
  return ': attached by a failing test';
}

function save(): void {
  for (const file of [...pending.keys()]) {
    flush(file);
  }
  writeSummary();
}

/** What afterEach reads of a test; `error` and `fullName` may be missing on an older Node. */
interface Finished {
  readonly name: string;
  readonly fullName?: string;
  readonly passed?: boolean;
  readonly error?: { readonly message?: string };
}

if (recording) {
  rmSync(RUN_DIR, { recursive: true, force: true });
  mkdirSync(RUN_DIR, { recursive: true });
  beforeEach((t) => {
    const test = t as Finished;
    currentTest = test.fullName ?? test.name;
    attachments = new Map();
  });
  afterEach((t) => {
    const test = t as Finished;
    if (test.passed !== false) {
      return;
    }
    failures.push({ test: test.fullName ?? test.name, message: test.error?.message ?? '(no message here: read the test output)' });
    for (const [file, text] of attachments) {
      writeFileSync(join(RUN_DIR, file), text);
    }
    save();
  });
  process.on('exit', (code) => {
    if (failures.length === 0 && code === 0 && !process.exitCode) {
      rmSync(RUN_DIR, { recursive: true, force: true });
    } else if (existsSync(RUN_DIR)) {
      save();
    }
  });
}
