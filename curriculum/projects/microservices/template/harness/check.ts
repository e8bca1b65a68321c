// `npm run check -- <milestone> [--seed N] [--test <name>]`: runs exactly what the extension's
// "Check" runs: `node --test` with the same flags over the tests of that milestone and every one
// before it (a regression check), one test file at a time; or, with --test, that one test of the
// milestone's file, as "Run this test only" does. <milestone> is its number (3), m3, its id, or
// `all`. A failing run leaves its record in .runs/ (harness/runs.ts).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = join(import.meta.dirname, '..');
const RUNS_DIR = join(PROJECT_ROOT, '.runs');

/** The extension's Check, flag for flag (its unit tests compare these with its own command); the TAP file and the test files follow. */
export const CHECK_FLAGS = ['--test', '--test-concurrency=1', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap'];

/** The extension's "Run this test only", before the name pattern goes in second place. */
export const SINGLE_TEST_FLAGS = ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap'];

export interface Milestone {
  readonly number: number;
  readonly id: string;
  /** test/m3-replication.test.ts */
  readonly file: string;
}

/** The milestones, from the test files' names (test/m<number>-<id>.test.ts), in order. */
export function milestones(): Milestone[] {
  return readdirSync(join(PROJECT_ROOT, 'test'))
    .flatMap((name) => {
      const match = /^m(\d+)-(.+)\.test\.ts$/.exec(name);
      return match ? [{ number: Number(match[1]), id: match[2] as string, file: `test/${name}` }] : [];
    })
    .sort((a, b) => a.number - b.number);
}

/** The milestone a command-line word names: 3, m3, replication, m3-replication, or all (the last). */
export function findMilestone(all: readonly Milestone[], word: string | undefined): Milestone {
  const found =
    word === 'all' ? all[all.length - 1] : all.find((m) => word === String(m.number) || word === `m${m.number}` || word === m.id || word === `m${m.number}-${m.id}`);
  if (!found) {
    throw new Error(`name a milestone: ${all.map((m) => `${m.number} (${m.id})`).join(', ')}, or all; got ${word ?? 'nothing'}.`);
  }
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The node arguments: the milestone and every one before it, or one test of its file. */
export function checkArgs(all: readonly Milestone[], upTo: Milestone, tapFile: string, test?: string): string[] {
  if (test !== undefined) {
    const [first, ...rest] = SINGLE_TEST_FLAGS;
    return [first as string, `--test-name-pattern=^${escapeRegExp(test)}$`, ...rest, `--test-reporter-destination=${tapFile}`, upTo.file];
  }
  return [...CHECK_FLAGS, `--test-reporter-destination=${tapFile}`, ...all.filter((m) => m.number <= upTo.number).map((m) => m.file)];
}

/** Runs node with those arguments in the project, ROADMAP_SEED set when a seed is given; returns the exit status. */
export function runCheck(args: readonly string[], seed: number | undefined, quiet = false): { status: number; output: string } {
  mkdirSync(RUNS_DIR, { recursive: true });
  const env = { ...process.env };
  if (seed !== undefined) {
    env.ROADMAP_SEED = String(seed);
  }
  const result = spawnSync(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env,
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status ?? 1, output: quiet ? `${result.stdout}${result.stderr}` : '' };
}

/** The value after `--name` (or in `--name=value`) on the command line. */
export function option(args: readonly string[], name: string): string | undefined {
  const index = args.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (index < 0) {
    return undefined;
  }
  const arg = args[index] as string;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[index + 1];
}

/** The first word that is neither an option nor an option's value. */
export function firstWord(args: readonly string[], valued: readonly string[]): string | undefined {
  return args.find((arg, i) => !arg.startsWith('--') && !valued.some((name) => args[i - 1] === `--${name}`));
}

export function seedOption(args: readonly string[]): number | undefined {
  const raw = option(args, 'seed');
  if (raw !== undefined && !/^\d+$/.test(raw)) {
    throw new Error(`--seed takes a whole number, got ${raw}.`);
  }
  return raw === undefined ? undefined : Number(raw);
}

function main(args: readonly string[]): number {
  const all = milestones();
  const milestone = findMilestone(all, firstWord(args, ['seed', 'test']));
  const seed = seedOption(args);
  const nodeArgs = checkArgs(all, milestone, join(RUNS_DIR, 'check.tap'), option(args, 'test'));
  console.log(`${seed === undefined ? '' : `ROADMAP_SEED=${seed} `}node ${nodeArgs.join(' ')}`);
  const { status } = runCheck(nodeArgs, seed);
  if (status !== 0) {
    console.log(`\nfailed: read .runs/<milestone>-<seed>/SUMMARY.md first (the first test that failed, then every process's stderr and message log).`);
  }
  return status;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(`check: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}
