// `npm test`: every test, as stages run by three workers (DS_ROADMAP_TEST_WORKERS sets how many).
// Most stages wait more than they compute (a VS Code starting, a browser rendering, fsync, the
// template clusters' timeouts): measured on the 2-core CI machine, the durability stage used 52 s of
// CPU in 180 s and the harness 61 s in 250 s, so a third worker fills the cores the waits leave idle.
// Each stage names the stages it needs; a worker takes the first stage in STAGES whose needs have
// passed, so the long template proofs start as early as they can and the short checks fill the
// gaps. A stage whose need failed is not run; every other stage still runs, so one run reports
// every failing stage. Each stage's output is printed whole when it ends (never interleaved). Ends
// with the last lines of each failed stage, a table of the stages and their times, then
// "stages: N passed, M failed".
// The package rebuilds dist/ for production, so nothing that reads dist/ (unit, integration) runs
// beside it; the template proofs read only dist/templates.json, which both builds write alike and
// whole (a rename), so they start right after the first build.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const WORKERS = Number(process.env.DS_ROADMAP_TEST_WORKERS) || 3;
/** A stage's time limit, about three times its usual time on a loaded two-core machine (DS_ROADMAP_STAGE_LIMIT_S sets every stage's). */
const STAGE_LIMIT_S = 15 * 60;

interface Stage {
  readonly name: string;
  readonly command: readonly string[];
  /** Fails the stage when the output matches, though the command exited 0. */
  readonly failOn?: RegExp;
  /** Stages that must have passed first. */
  readonly needs?: readonly string[];
  /** Stopped and failed after this long (default STAGE_LIMIT_S): a hung stage turns red with its output, not the CI's own time-out. */
  readonly limitSeconds?: number;
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
/**
 * The everyday proof (proof.yaml's `ci:` block): the starter, the reference on one seed and each
 * bug on the seed its schedule catches it on every time. `npm run test:templates` alone is the full
 * proof (the reference on five seeds, every bug on ten): run it after changing a template.
 */
const proof = (project: string): Stage => ({
  name: `templates: ${project}`,
  command: [...npm('test:templates'), '--', project, '--profile', 'ci'],
  needs: ['build'],
  limitSeconds: 30 * 60,
});

/** In order of preference: a worker takes the first one it can. */
const STAGES: readonly Stage[] = [
  { name: 'build', command: ['node', 'esbuild.js', '--tests'] },
  { name: 'unit', command: npm('test:unit'), needs: ['build'] },
  { name: 'integration', command: [...npm('test:integration'), '--', '--no-build'], needs: ['build'] },
  // The longest stage first, beside unit and integration: its clusters wait more than they compute.
  proof('file-sharing'),
  // The UI tests and the harness install this VSIX; CI has no other packaging step.
  { name: 'package', command: npm('package'), failOn: /^\s*WARNING\b/m, needs: ['unit', 'integration'] },
  { name: 'ui', command: [...npm('test:ui'), '--', '--no-package'], needs: ['package'] },
  proof('microservices'),
  proof('fault-tolerant-db'),
  { name: 'harness', command: npm('test:harness'), needs: ['package'] },
  { name: 'durability', command: npm('test:durability') },
  { name: 'lint', command: npm('lint') },
  { name: 'typecheck', command: npm('typecheck') },
  { name: 'format', command: npm('format:check') },
];

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** How many of a failed stage's last lines are printed again beside the table, where a truncated log still shows them. */
const FAILURE_LINES = 80;

/** The process groups of the stages running, stopped if `npm test` itself is stopped. */
const groups = new Set<number>();

function killGroup(pid: number | undefined): void {
  try {
    if (pid) {
      process.kill(-pid, 'SIGKILL');
    }
  } catch {
    // already gone
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    groups.forEach((pid) => killGroup(pid));
    process.exit(1);
  });
}

function run(stage: Stage): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve) => {
    // In a process group of its own, so that a stage out of time is stopped with everything it started.
    const child = spawn(stage.command[0], stage.command.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: process.env, detached: true });
    groups.add(child.pid ?? 0);
    const output: string[] = [`\n=== ${stage.name}: ${stage.command.join(' ')}\n`];
    const limit = Number(process.env.DS_ROADMAP_STAGE_LIMIT_S) || stage.limitSeconds || STAGE_LIMIT_S;
    let outOfTime = false;
    const timer = setTimeout(() => {
      outOfTime = true;
      output.push(`\ntest: ${stage.name} gave no verdict within ${limit} s: stopped with every process it started\n`);
      tail += `\ntest: ${stage.name} gave no verdict within ${limit} s\n`;
      killGroup(child.pid);
    }, limit * 1000);
    let tail = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-200_000);
      output.push(text);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      groups.delete(child.pid ?? 0);
      const code = outOfTime ? 1 : exitCode;
      const refused = code === 0 && stage.failOn?.test(tail);
      if (refused) {
        output.push(`test: ${stage.name} printed what fails it (${String(stage.failOn)})\n`);
      }
      const seconds = (Date.now() - started) / 1000;
      output.push(`=== ${stage.name}: ${code === 0 && !refused ? 'passed' : 'FAILED'} in ${seconds.toFixed(0)} s\n`);
      process.stdout.write(output.join(''));
      resolve({ name: stage.name, ok: code === 0 && !refused, seconds, tail: lastLines(tail, FAILURE_LINES) });
    });
  });
}

async function main(): Promise<number> {
  const names = new Set(STAGES.map((stage) => stage.name));
  const unknown = STAGES.flatMap((stage) => (stage.needs ?? []).filter((need) => !names.has(need)));
  if (unknown.length > 0) {
    console.error(`test: stages need ${unknown.join(', ')}, which no stage is called`);
    return 1;
  }
  const started = Date.now();
  const results = new Map<string, Result>();
  const running = new Set<string>();
  let wake: () => void = () => undefined;

  /** The next stage a free worker may start, a stage to mark not run, or nothing for now. */
  const next = (): { stage: Stage; blocked: boolean } | undefined => {
    for (const stage of STAGES) {
      if (results.has(stage.name) || running.has(stage.name)) {
        continue;
      }
      const needs = (stage.needs ?? []).map((name) => results.get(name));
      if (needs.some((result) => result !== undefined && !result.ok)) {
        return { stage, blocked: true };
      }
      if (needs.every((result) => result?.ok === true)) {
        return { stage, blocked: false };
      }
    }
    return undefined;
  };

  const worker = async (): Promise<void> => {
    while (results.size < STAGES.length) {
      const pick = next();
      if (pick === undefined) {
        // Every stage left waits for one that is running: sleep until a stage ends.
        await new Promise<void>((resolve) => {
          const previous = wake;
          wake = () => {
            previous();
            resolve();
          };
        });
        continue;
      }
      if (pick.blocked) {
        results.set(pick.stage.name, { name: pick.stage.name, ok: false, seconds: 0, skipped: true });
      } else {
        running.add(pick.stage.name);
        const result = await run(pick.stage);
        running.delete(pick.stage.name);
        results.set(pick.stage.name, result);
      }
      const waiting = wake;
      wake = () => undefined;
      waiting();
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));

  const ordered = STAGES.map((stage) => results.get(stage.name)).filter((result): result is Result => result !== undefined);
  for (const result of ordered.filter((each) => !each.ok && !each.skipped)) {
    console.log(`\n=== why ${result.name} failed: its last ${FAILURE_LINES} lines\n${result.tail ?? ''}`);
  }
  console.log('\n| stage | result | seconds |\n| --- | --- | --- |');
  for (const result of ordered) {
    console.log(`| ${result.name} | ${result.skipped ? 'not run' : result.ok ? 'passed' : 'FAILED'} | ${result.seconds.toFixed(0)} |`);
  }
  const failed = ordered.filter((result) => !result.ok).length;
  console.log(`test: all stages in ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(`stages: ${ordered.length - failed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

void main().then((code) => process.exit(code));
