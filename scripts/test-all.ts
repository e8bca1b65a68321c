// `npm test`: every test, in two lanes so the two cores of a CI machine both work. Each lane runs
// its stages in order and stops at its first failure; the other lane goes on, so one run reports
// every failing stage. Lane 1 streams its output; lane 2's is held and printed whole when it ends,
// so the two never interleave. Ends with a table of the stages and their times, then
// "stages: N passed, M failed".
//   lane 1: format, lint, typecheck, durability, integration (after the build), UI and harness (after the package)
//   lane 2: build, unit, package (the VSIX, refused on any vsce warning), template proofs
// The package rebuilds dist/ for production, so it runs in the lane that reads dist/ (unit, the
// proofs), between them, never beside them.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

interface Stage {
  readonly name: string;
  readonly command: readonly string[];
  /** Fails the stage when the output matches, though the command exited 0. */
  readonly failOn?: RegExp;
  /** A stage of the other lane that must have passed first. */
  readonly after?: string;
}

interface Result {
  readonly name: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly skipped?: boolean;
  /** The last lines the stage printed, shown again at the end when it failed. */
  readonly tail?: string;
}

const npm = (...args: string[]) => ['npm', 'run', '--silent', ...args];

const LANE1: Stage[] = [
  { name: 'format', command: npm('format:check') },
  { name: 'lint', command: npm('lint') },
  { name: 'typecheck', command: npm('typecheck') },
  // The crash test needs no build; here it balances the lanes (the template proofs alone take 13 minutes).
  { name: 'durability', command: npm('test:durability') },
  { name: 'integration', command: [...npm('test:integration'), '--', '--no-build'], after: 'build' },
  { name: 'ui', command: [...npm('test:ui'), '--', '--no-package'], after: 'package' },
  { name: 'harness', command: npm('test:harness'), after: 'package' },
];
const LANE2: Stage[] = [
  { name: 'build', command: ['node', 'esbuild.js', '--tests'] },
  { name: 'unit', command: npm('test:unit') },
  // The UI tests and the harness install this VSIX; CI has no other packaging step.
  { name: 'package', command: npm('package'), failOn: /^\s*WARNING\b/m },
  { name: 'templates', command: npm('test:templates') },
];

/** Settles with whether a stage passed, once it has run or been skipped. */
const finished = new Map<string, { promise: Promise<boolean>; settle: (ok: boolean) => void }>(
  [...LANE1, ...LANE2].map((stage) => {
    let settle: (ok: boolean) => void = () => undefined;
    const promise = new Promise<boolean>((resolve) => (settle = resolve));
    return [stage.name, { promise, settle }];
  }),
);

function run(stage: Stage, stream: boolean, sink: string[]): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(stage.command[0], stage.command.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let tail = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-200_000);
      if (stream) {
        process.stdout.write(text);
      } else {
        sink.push(text);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code) => {
      const refused = code === 0 && stage.failOn?.test(tail);
      if (refused) {
        (stream ? process.stdout.write.bind(process.stdout) : (text: string) => sink.push(text))(
          `test: ${stage.name} printed what fails it (${String(stage.failOn)})\n`,
        );
      }
      resolve({ name: stage.name, ok: code === 0 && !refused, seconds: (Date.now() - started) / 1000, tail: lastLines(tail, FAILURE_LINES) });
    });
  });
}

/** How many of a failed stage's last lines are printed again beside the table, where a truncated log still shows them. */
const FAILURE_LINES = 80;

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** Runs stages in order, each after the stage it waits for, skipping the rest after a failure. */
async function lane(stages: readonly Stage[], stream: boolean, sink: string[]): Promise<Result[]> {
  const results: Result[] = [];
  let ok = true;
  for (const stage of stages) {
    ok = ok && (stage.after === undefined || (await finished.get(stage.after)?.promise) === true);
    if (!ok) {
      results.push({ name: stage.name, ok: false, seconds: 0, skipped: true });
      finished.get(stage.name)?.settle(false);
      continue;
    }
    const header = `\n=== ${stage.name}: ${stage.command.join(' ')}\n`;
    if (stream) {
      process.stdout.write(header);
    } else {
      sink.push(header);
    }
    const result = await run(stage, stream, sink);
    results.push(result);
    finished.get(stage.name)?.settle(result.ok);
    ok = result.ok;
  }
  return results;
}

async function main(): Promise<number> {
  const started = Date.now();
  const held: string[] = [];
  const [first, second] = await Promise.all([lane(LANE1, true, []), lane(LANE2, false, held)]);
  process.stdout.write(held.join(''));
  const results = [...first, ...second];
  for (const result of results.filter((each) => !each.ok && !each.skipped)) {
    console.log(`\n=== why ${result.name} failed: its last ${FAILURE_LINES} lines\n${result.tail ?? ''}`);
  }
  console.log('\n| stage | result | seconds |\n| --- | --- | --- |');
  for (const result of results) {
    console.log(`| ${result.name} | ${result.skipped ? 'not run' : result.ok ? 'passed' : 'FAILED'} | ${result.seconds.toFixed(0)} |`);
  }
  const failed = results.filter((result) => !result.ok).length;
  console.log(`test: all stages in ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(`stages: ${results.length - failed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

void main().then((code) => process.exit(code));
