// `npm run test:templates`: proves each step-6 template's milestone tests mean something
// (docs/TEMPLATES.md). For every template with a proof.yaml: scaffold the starter into a temporary
// folder with the extension's own scaffolder and check every milestone fails there with a
// TODO(milestone …) message; overlay the reference solution and check every milestone passes for
// each seed; apply each known bug (a patch) to the reference and check one of the milestones that
// should catch it fails, on every one of its bug seeds (a bug is caught only when every seed catches
// it; each line prints the catch rate, k/n). `--profile ci` is the quick everyday proof (proof.yaml's
// `ci:` seeds), the default `--profile full` the thorough one. Runs on Node 24 (the templates are
// TypeScript run directly), from the same cache as the VS Code server. Ends with "N passed, M failed".
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { parseTap } from '../src/core/check/tap';
import { checkCommand, judgeRun } from '../src/core/check/outcome';
import { applyScaffold, planScaffold, type FileStat, type TargetFileSystem } from '../src/core/scaffold/plan';
import { variableValues, type CompiledTemplate } from '../src/core/scaffold/template';
import { ensureServer } from './vscode/server';

const ROOT = join(__dirname, '..');

/**
 * The seeds each bug must be caught on: `first` the first of the profile's `seeds`, `all` every one
 * of them, a number n the seeds 1..n, a list those seeds.
 */
type BugSeeds = 'first' | 'all' | number | readonly number[];

interface ProofBug {
  readonly id: string;
  readonly description: string;
  readonly caughtBy: readonly string[];
  /** This bug's seeds in the ci profile, when not the profile's bugSeeds (a bug whose catch depends on the seed). */
  readonly ciSeeds?: readonly number[];
  /** Only a run in real containers catches it: not proven when the proof runs without a Docker engine. */
  readonly needsDocker?: boolean;
}

interface Profile {
  /** The reference passes every milestone with each of these seeds. */
  readonly seeds: readonly number[];
  readonly bugSeeds?: BugSeeds;
}

interface Proof extends Profile {
  /** How many bug runs at once (default 1): for a template whose bug runs are simulations only, with no timing to disturb. */
  readonly bugJobs?: number;
  /** The quick profile (`--profile ci`): fewer reference seeds, each bug on the seeds that catch it every time. */
  readonly ci?: Profile;
  /** Its tests build and run containers: the proof starts a Docker engine and builds the local base image first. */
  readonly docker?: boolean;
  /**
   * Tests of the reference that may not run here, each a test name and why (a live run that needs
   * a Kubernetes cluster): the reference's check is then unverified, never passed, and the proof
   * accepts that only when every test that did not run is one of these.
   */
  readonly mayNotRun?: readonly { readonly test: string; readonly why: string }[];
  readonly bugs: readonly ProofBug[];
}

/** Passed, or unverified only by tests the proof names as unable to run here. */
function referencePassed(outcome: ReturnType<typeof judgeRun>, proof: Proof): { ok: boolean; unverified: readonly string[] } {
  if (outcome.kind === 'passed') {
    return { ok: true, unverified: [] };
  }
  if (outcome.kind !== 'unverified') {
    return { ok: false, unverified: [] };
  }
  const allowed = (reason: string) => (proof.mayNotRun ?? []).some((entry) => reason.startsWith(`${entry.test}: `));
  return { ok: outcome.reasons.every(allowed), unverified: outcome.reasons };
}

const PROFILES = ['full', 'ci'] as const;
type ProfileName = (typeof PROFILES)[number];

/** The seeds of one bug in a profile: the full profile's top-level settings, the ci profile's `ci:` ones (falling back to them). */
function bugSeedsOf(proof: Proof, profile: ProfileName, bug: ProofBug): readonly number[] {
  const settings: Profile = profile === 'ci' ? { ...proof, ...proof.ci } : proof;
  if (profile === 'ci' && bug.ciSeeds !== undefined) {
    return bug.ciSeeds;
  }
  const bugSeeds = settings.bugSeeds ?? 'first';
  if (bugSeeds === 'all') {
    return settings.seeds;
  }
  if (bugSeeds === 'first') {
    return settings.seeds.slice(0, 1);
  }
  if (typeof bugSeeds === 'number') {
    return Array.from({ length: bugSeeds }, (_, i) => i + 1);
  }
  return bugSeeds;
}

function referenceSeedsOf(proof: Proof, profile: ProfileName): readonly number[] {
  return profile === 'ci' ? (proof.ci?.seeds ?? proof.seeds.slice(0, 1)) : proof.seeds;
}

/** `--profile ci` or `--profile=ci` from the command line; full without one. */
function profileFromArgs(args: readonly string[]): ProfileName {
  const index = args.findIndex((arg) => arg === '--profile' || arg.startsWith('--profile='));
  if (index < 0) {
    return 'full';
  }
  const arg = args[index];
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[index + 1];
  if (!PROFILES.includes(value as ProfileName)) {
    throw new Error(`--profile must be one of ${PROFILES.join(', ')}, got ${value ?? 'nothing'}.`);
  }
  return value as ProfileName;
}

/** node:fs behind the scaffolder's interface, rooted at a folder. */
function nodeTarget(root: string): TargetFileSystem {
  return {
    stat: (path) => {
      const full = join(root, path);
      if (!existsSync(full)) {
        return Promise.resolve(undefined);
      }
      const stat = statSync(full);
      const result: FileStat = { type: stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : 'other', symbolicLink: false };
      return Promise.resolve(result);
    },
    createDirectory: (path) => Promise.resolve(void mkdirSync(join(root, path))),
    writeFile: (path, content) => Promise.resolve(writeFileSync(join(root, path), content)),
    delete: (path) => Promise.resolve(rmSync(join(root, path))),
  };
}

/** Copies every file of `from` over `to`, replacing files of the same path. */
function overlay(from: string, to: string): void {
  for (const name of readdirSync(from, { recursive: true, encoding: 'utf8' })) {
    const source = join(from, name);
    if (statSync(source).isFile()) {
      mkdirSync(dirname(join(to, name)), { recursive: true });
      cpSync(source, join(to, name));
    }
  }
}

/** Applies a unified diff (paths a/… b/… from the project root) to a copy of the reference. */
function applyPatch(patch: string, project: string): void {
  const result = spawnSync('git', ['apply', '-p1', '--whitespace=nowarn', patch], { cwd: project, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${patch} does not apply to the reference: ${result.stderr}`);
  }
}

interface Run {
  readonly outcome: ReturnType<typeof judgeRun>;
  readonly output: string;
  readonly seconds: number;
}

/**
 * `fast` (bug runs only, never the reference's or a learner's check): ROADMAP_PROOF_FAST=1 tells the
 * template's tests to skip what only serves a learner reading a failure (shrinking a failing
 * simulated schedule) and the real-process tail after the simulation; a skipped test is not a failed
 * one, so a bug only that tail would catch counts as not caught.
 */
async function runMilestone(
  node: string,
  project: string,
  template: CompiledTemplate,
  milestone: string,
  seed: number | undefined,
  only: boolean,
  fast = false,
  timeoutMs = 300_000,
): Promise<Run> {
  const tap = join(project, `.proof-${milestone}-${seed ?? 'default'}.tap`);
  const command = checkCommand(only ? { ...template, milestones: template.milestones.filter((m) => m.id === milestone) } : template, milestone, tap);
  const chunks: Buffer[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH ?? ''}` };
  delete env.ROADMAP_SEED;
  delete env.ROADMAP_PROOF_FAST;
  if (seed !== undefined) {
    env.ROADMAP_SEED = String(seed);
  }
  if (fast) {
    env.ROADMAP_PROOF_FAST = '1';
  }
  const started = Date.now();
  const status = await new Promise<number | null>((resolve) => {
    const child = spawn(node, [...command.args], { cwd: project, env, timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code));
  });
  const report = existsSync(tap) ? parseTap(readFileSync(tap, 'utf8')) : undefined;
  rmSync(tap, { force: true });
  return { outcome: judgeRun(status ?? undefined, report), output: Buffer.concat(chunks).toString('utf8'), seconds: (Date.now() - started) / 1000 };
}

/** Runs the works given it at most `jobs` at a time, in the order given. */
function limiter(jobs: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running >= jobs) {
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    running++;
    try {
      return await work();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

async function scaffoldStarter(template: CompiledTemplate): Promise<string> {
  const target = mkdtempSync(join(tmpdir(), `proof-${template.project}-`));
  const values = variableValues(template, { projectName: template.project });
  const fs = nodeTarget(target);
  const plan = await planScaffold(template, values, fs);
  const source = join(ROOT, 'curriculum', 'projects', template.project, 'template');
  await applyScaffold(template, plan, values, { read: (path) => Promise.resolve(readFileSync(join(source, path))) }, fs, { skipExisting: false });
  return target;
}

/**
 * Copies a scaffolded project for another run, linking its installed node_modules instead of
 * copying them: a template with dev dependencies would otherwise copy thousands of files per bug.
 */
function copyProject(from: string, to: string): void {
  cpSync(from, to, { recursive: true, filter: (source) => source !== join(from, 'node_modules') });
  if (existsSync(join(from, 'node_modules'))) {
    symlinkSync(join(from, 'node_modules'), join(to, 'node_modules'), 'dir');
  }
}

function installDependencies(project: string, node: string): void {
  const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { dependencies?: object; devDependencies?: object };
  if (Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).length > 0) {
    const result = spawnSync('npm', ['install', '--include=dev', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dirname(node)}:${process.env.PATH ?? ''}` },
    });
    if (result.status !== 0) {
      throw new Error(`npm install failed in the scaffolded ${project}:\n${result.stderr}`);
    }
  }
}

/**
 * A Docker engine and the local base image for a template whose tests run containers
 * (scripts/docker/): installs and starts dockerd where it can (root, apt-get). Answers whether this
 * call started the engine (then the proof stops it at the end), or the reason there is none.
 */
function ensureDocker(): { started: boolean; problem?: string } {
  const script = (name: string, arg?: string) =>
    spawnSync('bash', [join(ROOT, 'scripts', 'docker', name), ...(arg ? [arg] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const before = script('engine.sh', 'status').status === 0;
  const engine = script('engine.sh', 'ensure');
  if (engine.status !== 0) {
    return { started: false, problem: `${engine.stdout}${engine.stderr}`.trim() };
  }
  const base = script('base-image.sh');
  console.log(`  ${`${engine.stdout}${base.stdout}`.trim().split('\n').join('\n  ')}`);
  return { started: !before, problem: base.status === 0 ? undefined : `${base.stdout}${base.stderr}`.trim() };
}

async function main(): Promise<number> {
  const node = ensureServer().node;
  const templates = JSON.parse(readFileSync(join(ROOT, 'dist', 'templates.json'), 'utf8')) as CompiledTemplate[];
  // `npm run test:templates -- <project>…` proves only those templates (npm test runs them as separate stages).
  // DS_ROADMAP_TEMPLATE=<project> does the same.
  const args = process.argv.slice(2);
  const profile = profileFromArgs(args);
  const only = [
    ...args.filter((arg, i) => !arg.startsWith('-') && args[i - 1] !== '--profile'),
    ...(process.env.DS_ROADMAP_TEMPLATE ? [process.env.DS_ROADMAP_TEMPLATE] : []),
  ];
  const unknown = only.filter((name) => !templates.some((t) => t.project === name));
  if (unknown.length > 0) {
    console.error(`templates: no template named ${unknown.join(', ')}; the templates are ${templates.map((t) => t.project).join(', ')}.`);
    return 1;
  }
  let passed = 0;
  let failed = 0;
  let engineStarted = false;
  const record = (ok: boolean, title: string, detail = '') => {
    if (ok) {
      passed++;
    } else {
      failed++;
    }
    console.log(
      `  ${ok ? '✔' : '✖'} ${title}${
        detail
          ? `\n${detail
              .split('\n')
              .slice(-25)
              .map((line) => `      ${line}`)
              .join('\n')}`
          : ''
      }`,
    );
  };
  for (const template of templates.filter((t) => only.length === 0 || only.includes(t.project))) {
    const proofFile = join(ROOT, 'test', 'templates', template.project, 'proof.yaml');
    if (!existsSync(proofFile)) {
      record(false, `${template.project}: no test/templates/${template.project}/proof.yaml`);
      continue;
    }
    let proof = parse(readFileSync(proofFile, 'utf8')) as Proof;
    console.log(`${template.project} (profile ${profile})`);
    // Runs that build and start containers take minutes more than the others.
    const timeoutMs = proof.docker ? 600_000 : 300_000;
    if (proof.docker && process.env.DS_ROADMAP_NO_DOCKER === '1') {
      const unproven = proof.bugs.filter((bug) => bug.needsDocker);
      console.log(
        `  ! DS_ROADMAP_NO_DOCKER=1: no container is run; the live container tests skip, and these bugs were NOT proven: ${unproven.map((b) => b.id).join(', ')}`,
      );
      process.env.ROADMAP_NO_DOCKER = '1';
      delete process.env.ROADMAP_REQUIRE_DOCKER;
      proof = { ...proof, bugs: proof.bugs.filter((bug) => !bug.needsDocker) };
    } else if (proof.docker) {
      delete process.env.ROADMAP_NO_DOCKER;
      // The live container tests fail rather than skip from here on: the reference must really run in containers.
      process.env.ROADMAP_REQUIRE_DOCKER = '1';
      const docker = ensureDocker();
      engineStarted ||= docker.started;
      if (docker.problem !== undefined) {
        record(
          false,
          `${template.project} runs containers, and no Docker engine or base image could be had (set DS_ROADMAP_NO_DOCKER=1 to prove the rest without them):\n${docker.problem}`,
        );
        continue;
      }
    }

    const phase = { starter: 0, reference: 0, bugs: 0 };
    const starter = await scaffoldStarter(template);
    installDependencies(starter, node);
    for (const [index, milestone] of template.milestones.entries()) {
      const run = await runMilestone(node, starter, template, milestone.id, undefined, true, false, timeoutMs);
      // For the right reason: the TODO of this milestone, or of an earlier one whose work it builds on.
      const todos = [...`${run.outcome.kind === 'failed' ? run.outcome.failures.join('\n') : ''}\n${run.output}`.matchAll(/TODO\(milestone (\d+)\)/g)].map(
        (match) => Number(match[1]),
      );
      const forTheRightReason = run.outcome.kind === 'failed' && todos.length > 0 && todos.every((number) => number <= index + 1);
      phase.starter += run.seconds;
      record(
        forTheRightReason,
        `starter fails ${milestone.id} with a TODO(milestone ${index + 1}) message or an earlier one's (${run.seconds.toFixed(1)} s)`,
        forTheRightReason ? '' : `${JSON.stringify(run.outcome)}; TODOs named: ${todos.join(', ') || 'none'}`,
      );
    }

    const reference = mkdtempSync(join(tmpdir(), `proof-${template.project}-ref-`));
    copyProject(starter, reference);
    overlay(join(ROOT, 'test', 'templates', template.project, 'reference'), reference);
    const last = template.milestones[template.milestones.length - 1].id;
    for (const seed of referenceSeedsOf(proof, profile)) {
      const run = await runMilestone(node, reference, template, last, seed, false, false, timeoutMs);
      const { ok, unverified } = referencePassed(run.outcome, proof);
      phase.reference += run.seconds;
      record(
        ok,
        `reference passes all ${template.milestones.length} milestones with seed ${seed} (${run.seconds.toFixed(0)} s)` +
          (unverified.length > 0 ? `; did not run, as proof.yaml allows: ${unverified.join('; ')}` : ''),
        ok ? '' : `${JSON.stringify(run.outcome)}\n${run.output}`,
      );
    }

    const bugsStarted = Date.now();
    const folders = new Map<string, string>();
    const folderOf = (bug: Proof['bugs'][number]): string => {
      let buggy = folders.get(bug.id);
      if (buggy === undefined) {
        buggy = mkdtempSync(join(tmpdir(), `proof-${template.project}-${bug.id}-`));
        copyProject(reference, buggy);
        applyPatch(join(ROOT, 'test', 'templates', template.project, 'bugs', `${bug.id}.patch`), buggy);
        folders.set(bug.id, buggy);
      }
      return buggy;
    };
    // Caught on a seed means one of caughtBy ran its tests and one failed (a run that crashed
    // without a verdict proves nothing); the milestones after the first that fails are not run.
    const catchOn = async (bug: Proof['bugs'][number], seed: number): Promise<{ catcher: string | undefined; seconds: number }> => {
      let seconds = 0;
      for (const milestone of bug.caughtBy) {
        const run = await runMilestone(node, folderOf(bug), template, milestone, seed, true, true, timeoutMs);
        seconds += run.seconds;
        if (run.outcome.kind === 'failed') {
          return { catcher: milestone, seconds };
        }
      }
      return { catcher: undefined, seconds };
    };
    const jobs = Math.max(1, proof.bugJobs ?? 1);
    const limit = limiter(jobs);
    // Queued in order, bug by bug: each bug's line comes as soon as its seeds are done.
    const runs = new Map(proof.bugs.map((bug) => [bug.id, bugSeedsOf(proof, profile, bug).map((seed) => limit(() => catchOn(bug, seed)))]));
    let bugRuns = 0;
    for (const bug of proof.bugs) {
      const bugSeeds = bugSeedsOf(proof, profile, bug);
      bugRuns += bugSeeds.length;
      const outcomes = await Promise.all(runs.get(bug.id) ?? []);
      const catchers = new Set(outcomes.flatMap((outcome) => (outcome.catcher === undefined ? [] : [outcome.catcher])));
      const missed = bugSeeds.filter((_, i) => outcomes[i]?.catcher === undefined);
      const seconds = outcomes.reduce((sum, outcome) => sum + outcome.seconds, 0);
      phase.bugs += seconds;
      const caught = bugSeeds.length - missed.length;
      // Caught only when every seed catches it: a bug some seeds miss is caught by luck of the seed.
      record(
        missed.length === 0,
        `bug "${bug.id}" (${bug.description}) is caught on ${caught}/${bugSeeds.length} seed${bugSeeds.length === 1 ? '' : 's'} by ` +
          `${catchers.size > 0 ? [...catchers].join(', ') : 'none of ' + bug.caughtBy.join(', ')}${missed.length > 0 && caught > 0 ? `, not on seed ${missed.join(', ')}` : ''} (${seconds.toFixed(1)} s)`,
      );
      const buggy = folders.get(bug.id);
      if (buggy !== undefined) {
        rmSync(buggy, { recursive: true, force: true });
      }
    }
    const bugsWall = (Date.now() - bugsStarted) / 1000;
    console.log(
      `  ${template.project}: starter ${phase.starter.toFixed(0)} s, reference ${phase.reference.toFixed(0)} s, ` +
        `bugs ${bugsWall.toFixed(0)} s (${bugRuns} runs of ${proof.bugs.length} bugs, ${jobs} at a time, ${phase.bugs.toFixed(0)} s in all)`,
    );
    rmSync(starter, { recursive: true, force: true });
    rmSync(reference, { recursive: true, force: true });
  }
  if (engineStarted) {
    spawnSync('bash', [join(ROOT, 'scripts', 'docker', 'engine.sh'), 'stop'], { stdio: 'inherit' });
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`templates: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
