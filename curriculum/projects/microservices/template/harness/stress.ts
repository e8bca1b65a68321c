// `npm run stress -- <milestone> --runs 20 [--from N]`: the milestone's check (harness/check.ts,
// the same command as the extension's Check) again and again, each time with a fresh seed, to find
// the seeds a solution fails on. Prints one line per run and, at the end, the pass and fail counts
// and the failing seeds; each failing seed's record is in .runs/<milestone>-<seed>/ (harness/runs.ts).
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkArgs, findMilestone, firstWord, milestones, option, runCheck } from './check.ts';

const RUNS_DIR = join(import.meta.dirname, '..', '.runs');

/** The first failing test a TAP report names (a leaf: the deepest "not ok" before its parent's). */
function firstFailure(tapFile: string): string | undefined {
  if (!existsSync(tapFile)) {
    return undefined;
  }
  return /^\s*not ok \d+ - (.*)$/m.exec(readFileSync(tapFile, 'utf8'))?.[1];
}

function main(args: readonly string[]): number {
  const all = milestones();
  const milestone = findMilestone(all, firstWord(args, ['runs', 'from']));
  const runs = Number(option(args, 'runs') ?? 20);
  const from = option(args, 'from');
  if (!Number.isInteger(runs) || runs < 1 || (from !== undefined && !/^\d+$/.test(from))) {
    throw new Error('--runs takes a whole number of runs, --from a whole number (the first seed).');
  }
  // Fresh seeds: the ones the tests' authors ran are 1 to 10; start far from them unless told.
  const first = from === undefined ? randomInt(1000, 1_000_000) : Number(from);
  const failing: number[] = [];
  const started = Date.now();
  console.log(`milestone ${milestone.number} (${milestone.id}) and those before it, ${runs} runs, seeds ${first} to ${first + runs - 1}`);
  for (let seed = first; seed < first + runs; seed++) {
    const tap = join(RUNS_DIR, `stress-${seed}.tap`);
    const runStarted = Date.now();
    const { status, output } = runCheck(checkArgs(all, milestone, tap), seed, true);
    const seconds = ((Date.now() - runStarted) / 1000).toFixed(0);
    if (status === 0) {
      rmSync(tap, { force: true });
      console.log(`  seed ${seed}: passed (${seconds} s)`);
    } else {
      failing.push(seed);
      const log = join(RUNS_DIR, `stress-${seed}.log`);
      writeFileSync(log, output);
      console.log(`  seed ${seed}: FAILED (${seconds} s): ${firstFailure(tap) ?? 'no test result'}; output in .runs/stress-${seed}.log`);
    }
  }
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  console.log(`${runs - failing.length} passed, ${failing.length} failed in ${minutes} min${failing.length > 0 ? `; failing seeds: ${failing.join(', ')}` : ''}`);
  if (failing.length > 0) {
    console.log(`replay one: npm run check -- ${milestone.number} --seed ${failing[0]} (its record: .runs/m<k>-<id>-${failing[0]}/SUMMARY.md)`);
  }
  return failing.length > 0 ? 1 : 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(`stress: ${(error as Error).message}`);
  process.exitCode = 2;
}
