// `npm run test:ui`: packages the extension, installs the .vsix into a fresh real VS Code server,
// opens the workbench on a fresh workspace in headless Chromium and runs the UI tests in order,
// saving screenshots under test-results/. Ends with "N passed, M failed".
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { lessonTests, roadmapTests, scaffoldTests, walkthroughTests, windowTests } from '../../test/ui/roadmap.ui';
import { RESULTS_DIR, Workbench } from '../../test/ui/workbench';
import { launchBrowser } from './browser';
import { ensureServer, startServer, type RunningServer } from './server';

export interface UiTest {
  readonly name: string;
  run(workbench: Workbench, server: RunningServer): Promise<void>;
}

const ROOT = join(__dirname, '..', '..');
/** The whole run's limit: a hung workbench fails the run instead of holding CI. */
const TIMEOUT_MS = Number(process.env.DS_ROADMAP_UI_TIMEOUT_MS ?? 900_000);
const VSIX = join(ROOT, 'distributed-systems-roadmap.vsix');

async function main(): Promise<number> {
  const started = Date.now();
  // A failure's screenshot from an earlier run would pass for one of this run.
  for (const name of existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR) : []) {
    if (name.startsWith('failed-')) {
      rmSync(join(RESULTS_DIR, name));
    }
  }
  if (!process.argv.includes('--no-package')) {
    execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const server = await startServer(ensureServer(), { extensions: [{ vsix: VSIX }] });
  const browser = await launchBrowser();
  const limit = setTimeout(() => {
    console.error(`ui: no verdict after ${Math.round(TIMEOUT_MS / 1000)} s; stopping the browser and the server`);
    void browser.close().catch(() => undefined);
    server.stop();
    process.exit(1);
  }, TIMEOUT_MS);
  let passed = 0;
  let failed = 0;
  try {
    // One context, so a test can open a second window of the same browser profile.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page: Page = await context.newPage();
    const workbench = new Workbench(page);
    await page.goto(`${server.origin}/?folder=${encodeURIComponent(server.dirs.workspace)}`);
    await workbench.waitReady();
    await workbench.tryCommand('View: Hide Secondary Side Bar');
    const filter = process.env.DS_ROADMAP_UI_FILTER;
    for (const test of [...roadmapTests, ...lessonTests, ...walkthroughTests, ...scaffoldTests, ...windowTests].filter((t) => !filter || filter.split('|').some((part) => t.name.includes(part)))) {
      const testStarted = Date.now();
      try {
        await workbench.dismiss();
        await test.run(workbench, server);
        passed++;
        console.log(`  ✔ ${test.name} (${Date.now() - testStarted} ms)`);
      } catch (error) {
        failed++;
        console.log(`  ✖ ${test.name}\n${String((error as Error).stack ?? error).split('\n').map((line) => `      ${line}`).join('\n')}`);
        await workbench.screenshot(`failed-${passed + failed}`).catch(() => undefined);
        const toasts = await workbench.page.locator('.notification-toast').allInnerTexts().catch(() => []);
        if (toasts.length > 0) {
          console.log(`      notifications: ${toasts.map((text) => text.replace(/\s+/g, ' ')).join(' | ')}`);
        }
      }
    }
  } finally {
    clearTimeout(limit);
    await browser.close().catch(() => undefined);
    server.stop();
  }
  console.log(`ui: finished in ${Math.round((Date.now() - started) / 1000)} s; screenshots in test-results/`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`ui: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
