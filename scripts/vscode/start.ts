// `npm start`: builds the extension and opens the roadmap in a real VS Code. With a desktop `code`
// on PATH it runs `code --extensionDevelopmentPath`; otherwise it starts the cached VS Code server
// with this folder loaded as the extension under development and prints the loopback URL.
// Ctrl-C ends everything it started.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, Workbench } from '../../test/ui/workbench';
import { launchBrowser } from './browser';
import { ensureServer, startServer } from './server';

const ROOT = join(__dirname, '..', '..');

function hasCode(): boolean {
  return spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [join(ROOT, 'esbuild.js')], { cwd: ROOT, stdio: 'inherit' });
  if (hasCode() && process.env.DS_ROADMAP_USE_SERVER !== '1') {
    const workspace = mkdtempSync(join(tmpdir(), 'ds-roadmap-workspace-'));
    console.log(`start: opening VS Code on ${workspace} with this extension under development`);
    execFileSync('code', ['--new-window', `--extensionDevelopmentPath=${ROOT}`, workspace], { stdio: 'inherit' });
    return;
  }
  const server = await startServer(ensureServer(), { smokeTestDriver: true });
  // The smoke-test driver lets the workbench load this folder as the extension under development,
  // as the desktop's --extensionDevelopmentPath does: rebuild (npm run watch) and reload the window.
  const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${ROOT}`]]);
  const url = `${server.origin}/?folder=${encodeURIComponent(server.dirs.workspace)}&payload=${encodeURIComponent(payload)}`;
  console.log('\nstart: VS Code is running with the roadmap extension. Open this address in a browser on this machine:\n');
  console.log(`  ${url}\n`);
  console.log('start: the Distributed Systems view is in the activity bar. Press Ctrl-C to stop.');
  if (process.env.DS_ROADMAP_START_CHECK === '1') {
    // Used by the harness test: open the address in headless Chromium as a learner would, and
    // prove the roadmap shows its steps; then stop.
    const browser = await launchBrowser();
    try {
      const workbench = new Workbench(await browser.newPage({ viewport: { width: 1400, height: 900 } }));
      await workbench.page.goto(url);
      await workbench.waitReady();
      await workbench.openRoadmapFromActivityBar();
      await eventually(async () => assert.ok((await workbench.stepRows()).length >= 6, 'the roadmap shows fewer than six steps'), 60_000);
      console.log(`start: the roadmap shows ${(await workbench.stepRows()).length} steps`);
    } finally {
      await browser.close().catch(() => undefined);
      server.stop();
    }
    return;
  }
  await new Promise<never>(() => undefined);
}

main().catch((error: unknown) => {
  console.error(`start: ${(error as Error).message}`);
  process.exit(1);
});
