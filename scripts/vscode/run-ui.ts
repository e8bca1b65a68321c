// `npm run test:ui`: packages the extension, installs the .vsix into a fresh real VS Code server,
// opens the workbench on a fresh workspace in headless Chromium and runs the UI tests in order,
// saving screenshots under test-results/. Ends with "N passed, M failed".
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  continueTests,
  lessonTests,
  planTests,
  restrictedTests,
  roadmapTests,
  scaffoldTests,
  testingViewTests,
  walkthroughTests,
  windowTests,
} from '../../test/ui/roadmap.ui';
import { RESULTS_DIR, Workbench } from '../../test/ui/workbench';
import { launchBrowser } from './browser';
import { ensureServer, startServer, type RunningServer } from './server';

export interface UiTest {
  readonly name: string;
  /** Its own limit, for a test that runs a whole project check (TEST_TIMEOUT_MS otherwise). */
  readonly timeoutMs?: number;
  run(workbench: Workbench, server: RunningServer): Promise<void>;
}

const ROOT = join(__dirname, '..', '..');
/** The whole run's limit: a hung workbench fails the run instead of holding CI. */
const TIMEOUT_MS = Number(process.env.DS_ROADMAP_UI_TIMEOUT_MS ?? 1_200_000);
/** The limit of one test: a test that hangs fails with its screenshot and logs, and the others still run. */
const TEST_TIMEOUT_MS = 180_000;

function withinLimit<T>(work: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`"${name}" gave no verdict within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
/** The limit of one Playwright step (a click, a wait) that names none. */
const STEP_TIMEOUT_MS = 60_000;
const VSIX = join(ROOT, 'distributed-systems-roadmap.vsix');

const INJECTED_FAILURE: UiTest = {
  name: 'injected failure: this UI test fails on purpose',
  run: async (workbench) => {
    await workbench.stepRow('A step the roadmap does not have').waitFor({ timeout: 2_000 });
  },
};

interface Tally {
  passed: number;
  failed: number;
}

/**
 * The tests to run: those whose names contain a part of DS_ROADMAP_UI_FILTER (all without it), in
 * the order DS_ROADMAP_UI_ORDER says: as written, `reverse`, or `shuffle:<seed>`. No test may rely
 * on another having run before it; the other orders prove it.
 */
function selected(tests: readonly UiTest[]): UiTest[] {
  const filter = process.env.DS_ROADMAP_UI_FILTER;
  const chosen = tests.filter((t) => !filter || filter.split('|').some((part) => t.name.includes(part)));
  const order = process.env.DS_ROADMAP_UI_ORDER ?? '';
  if (order === 'reverse') {
    return chosen.reverse();
  }
  const shuffle = /^shuffle:(\d+)$/.exec(order);
  if (shuffle) {
    let state = Number(shuffle[1]) || 1;
    const next = () => (state = (state * 48_271) % 2_147_483_647) / 2_147_483_647;
    for (let i = chosen.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [chosen[i], chosen[j]] = [chosen[j], chosen[i]];
    }
  } else if (order !== '') {
    throw new Error(`DS_ROADMAP_UI_ORDER is "${order}": use reverse or shuffle:<seed>.`);
  }
  return chosen;
}

/** Opens the server's workspace in a new browser context and runs `tests` in order, counting into `tally`. */
async function runGroup(browser: Browser, server: RunningServer, tests: readonly UiTest[], tally: Tally): Promise<void> {
  // One context, so a test can open a second window of the same browser profile.
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // No click or wait may hang a test: Playwright's own default is no limit. A step that takes longer
  // fails the test, naming what it waited for, with its screenshot and the windows' logs.
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page: Page = await context.newPage();
  const workbench = new Workbench(page);
  await page.goto(`${server.origin}/?folder=${encodeURIComponent(server.dirs.workspace)}`);
  await workbench.waitReady();
  await workbench.tryCommand('View: Hide Secondary Side Bar');
  for (const test of tests) {
    const testStarted = Date.now();
    try {
      await workbench.dismiss();
      await withinLimit(test.run(workbench, server), test.timeoutMs ?? TEST_TIMEOUT_MS, test.name);
      tally.passed++;
      console.log(`  ✔ ${test.name} (${Date.now() - testStarted} ms)`);
    } catch (error) {
      tally.failed++;
      console.log(
        `  ✖ ${test.name}\n${String((error as Error).stack ?? error)
          .split('\n')
          .map((line) => `      ${line}`)
          .join('\n')}`,
      );
      await workbench.screenshot(`failed-${tally.passed + tally.failed}`).catch(() => undefined);
      const logs = keepExtensionLogs(server, `failed-${tally.passed + tally.failed}-logs`);
      if (logs > 0) {
        console.log(`      the roadmap's logs of every window so far: ${relative(ROOT, join(RESULTS_DIR, `failed-${tally.passed + tally.failed}-logs`))}`);
      }
      const toasts = await workbench.page
        .locator('.notification-toast')
        .allInnerTexts()
        .catch(() => []);
      if (toasts.length > 0) {
        console.log(`      notifications: ${toasts.map((text) => text.replace(/\s+/g, ' ')).join(' | ')}`);
      }
    }
  }
  await context.close();
}

/**
 * Copies the roadmap extension's log of every window the server has run so far into
 * test-results/<name>/ (one folder per window's log session): what each window stored and merged,
 * to read beside the failure's screenshot. Returns how many logs it kept.
 */
function keepExtensionLogs(server: RunningServer, name: string): number {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (entry.name === 'Distributed Systems Roadmap.log') {
        found.push(path);
      }
    }
  };
  try {
    walk(server.dirs.root);
  } catch {
    return 0;
  }
  found.forEach((log, index) => {
    const window = basename(dirname(dirname(dirname(log))));
    cpSync(log, join(RESULTS_DIR, name, `${index + 1}-${window}.log`));
  });
  return found.length;
}

/** Packs the UI tests' own extension, which moves the review clock through the roadmap's test API. */
function packReviewClock(): string {
  const out = join(ROOT, 'out', 'review-clock.vsix');
  mkdirSync(join(out, '..'), { recursive: true });
  execFileSync(join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--skip-license', '--out', out], {
    cwd: join(ROOT, 'test', 'ui', 'fixtures', 'review-clock'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return out;
}

async function main(): Promise<number> {
  const started = Date.now();
  // A failure's screenshot from an earlier run would pass for one of this run.
  for (const name of existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR) : []) {
    if (name.startsWith('failed-')) {
      rmSync(join(RESULTS_DIR, name), { recursive: true, force: true });
    }
  }
  if (!process.argv.includes('--no-package')) {
    execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const install = ensureServer();
  const servers: RunningServer[] = [];
  const browser = await launchBrowser();
  const limit = setTimeout(() => {
    console.error(`ui: no verdict after ${Math.round(TIMEOUT_MS / 1000)} s; stopping the browser and the server`);
    void browser.close().catch(() => undefined);
    servers.forEach((server) => server.stop());
    process.exit(1);
  }, TIMEOUT_MS);
  const tally: Tally = { passed: 0, failed: 0 };
  try {
    const trusted = selected([
      ...roadmapTests,
      ...lessonTests,
      ...continueTests,
      ...planTests,
      ...walkthroughTests,
      ...scaffoldTests,
      ...testingViewTests,
      ...windowTests,
    ]);
    if (process.env.DS_ROADMAP_UI_INJECT_FAILING_TEST) {
      trusted.push(INJECTED_FAILURE); // test/harness proves that a failing UI test turns the run red
    }
    if (trusted.length > 0) {
      // Checks started from the workbench leave containers to the template proof: with
      // ROADMAP_NO_DOCKER=1 the microservices live container test skips (the milestone is then
      // unverified), so a check takes a minute, not several, whatever engine the machine runs.
      const server = await startServer(install, { extensions: [{ vsix: VSIX }, { vsix: packReviewClock() }], env: { ROADMAP_NO_DOCKER: '1' } });
      servers.push(server);
      // Checks run the projects' TypeScript directly (Node >= 22.18): the learner's machine setting
      // points at the server's Node 24, whatever is first on the host's PATH (as run-integration.ts does).
      mkdirSync(join(server.dirs.userData, 'Machine'), { recursive: true });
      writeFileSync(join(server.dirs.userData, 'Machine', 'settings.json'), JSON.stringify({ 'dsRoadmap.nodePath': install.node }));
      await runGroup(browser, server, trusted, tally);
    }
    // A server of its own with workspace trust on: its folder opens in Restricted Mode, without a prompt.
    const restricted = selected(restrictedTests);
    if (restricted.length > 0) {
      const server = await startServer(install, { extensions: [{ vsix: VSIX }], workspaceTrust: true });
      servers.push(server);
      await runGroup(browser, server, restricted, tally);
    }
  } finally {
    clearTimeout(limit);
    await browser.close().catch(() => undefined);
    servers.forEach((server) => server.stop());
  }
  console.log(`ui: finished in ${Math.round((Date.now() - started) / 1000)} s; screenshots in test-results/`);
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  return tally.failed > 0 || tally.passed === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`ui: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
