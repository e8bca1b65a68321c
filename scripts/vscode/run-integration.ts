// `npm run test:integration`: runs test/integration/ inside the extension host of a real VS Code
// server (1.139), loaded through the smoke-test driver's `payload` parameter in headless Chromium.
// The host exits 0 even when tests fail, so the verdict comes from the results file that
// test/integration/index.ts writes: no file, zero tests, any failure or a time-out is a failure.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestResults } from '../../test/integration/index';
import { launchBrowser } from './browser';
import { compileFixtureTemplates } from './fixture-templates';
import { ensureServer, startServer } from './server';

const ROOT = join(__dirname, '..', '..');
const TIMEOUT_MS = Number(process.env.DS_ROADMAP_TEST_TIMEOUT_MS ?? 300_000);
/** Console noise of built-in features that want the network; never a verdict. */
const NOISE = /github|gallery|marketplace|ERR_NAME_NOT_RESOLVED|ERR_CONNECTION_REFUSED|Failed to load resource|net::ERR|telemetry|chat|copilot/i;

async function main(): Promise<number> {
  const started = Date.now();
  if (!process.argv.includes('--no-build')) {
    execFileSync(process.execPath, [join(ROOT, 'esbuild.js'), '--tests'], { cwd: ROOT, stdio: 'inherit' });
  }
  const testsPath = process.env.DS_ROADMAP_TESTS_PATH ?? join(ROOT, 'out', 'test', 'integration', 'index.js');
  const install = ensureServer();
  const resultsFile = join(ROOT, 'out', `integration-results-${process.pid}.json`);
  const server = await startServer(install, {
    smokeTestDriver: true,
    env: {
      DS_ROADMAP_TEST_RESULTS: resultsFile,
      DS_ROADMAP_TEST_TEMPLATES: compileFixtureTemplates(),
      DS_ROADMAP_INJECT_FAILING_TEST: process.env.DS_ROADMAP_INJECT_FAILING_TEST ?? '',
      DS_ROADMAP_INTEGRATION_GREP: process.env.DS_ROADMAP_INTEGRATION_GREP ?? '',
    },
  });
  // Milestone checks run the projects' TypeScript directly, which needs Node >= 22.18: point
  // them at the Node 24 that came with the server, whatever is first on the host's PATH. The
  // setting is the machine's (a workspace's value is ignored): the server's Machine settings.
  const machineSettings = join(server.dirs.userData, 'Machine');
  mkdirSync(machineSettings, { recursive: true });
  writeFileSync(join(machineSettings, 'settings.json'), JSON.stringify({ 'dsRoadmap.nodePath': install.node }));
  const browser = await launchBrowser();
  try {
    const remote = (path: string) => `vscode-remote://127.0.0.1:${server.port}${path}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(testsPath)],
    ]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (message) => {
      const text = message.text();
      if (!NOISE.test(text)) {
        console.log(`  | ${text.replace(/%c/g, '').trim()}`);
      }
    });
    await page.goto(`${server.origin}/?folder=${encodeURIComponent(server.dirs.workspace)}&payload=${encodeURIComponent(payload)}`);
    const deadline = started + TIMEOUT_MS;
    while (!existsSync(resultsFile) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (!existsSync(resultsFile)) {
      console.error(`integration: no results after ${Math.round(TIMEOUT_MS / 1000)} s. Server output:\n${server.output()}`);
      return 1;
    }
    const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as TestResults;
    for (const test of results.tests) {
      console.log(`${test.state === 'passed' ? '  ✔' : test.state === 'failed' ? '  ✖' : '  -'} ${test.title}`);
      if (test.error) {
        console.log(
          test.error
            .split('\n')
            .map((line) => `      ${line}`)
            .join('\n'),
        );
      }
    }
    console.log(
      `integration: ${results.passed} passed, ${results.failed} failed, ${results.pending} pending in ${Math.round((Date.now() - started) / 1000)} s`,
    );
    if (results.passed + results.failed === 0) {
      console.error('integration: no test ran.');
      return 1;
    }
    if (results.failed > 0) {
      printExtensionErrors(server.dirs.root);
    }
    return results.failed > 0 ? 1 : 0;
  } finally {
    await browser.close().catch(() => undefined);
    server.stop();
  }
}

/** The extension's own error lines from the host's logs, to explain a failure. */
function printExtensionErrors(root: string): void {
  const logs = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.log') && name.includes('ds-roadmap'));
  for (const log of logs) {
    const errors = readFileSync(join(root, log), 'utf8')
      .split('\n')
      .filter((line) => /\[(error|warning)\]/.test(line));
    if (errors.length > 0) {
      console.log(`integration: errors logged by the extension (${log}):\n${errors.map((line) => `  ${line}`).join('\n')}`);
    }
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`integration: ${(error as Error).message}`);
    process.exit(1);
  },
);
