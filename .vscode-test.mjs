// The integration suite for VS Code's Extension Test Runner and `npx vscode-test`, in a desktop
// VS Code 1.139 that @vscode/test-cli downloads on first use (offline, `npm test` runs the same
// suite in a VS Code server from the npm registry). Loading this file runs `npm run build:tests`
// first, so a run always gets fresh bundles and an empty workspace; the build's messages go to
// stderr, since the test runner reads stdout.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@vscode/test-cli';

const root = dirname(fileURLToPath(import.meta.url));
execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'vscode', 'prepare-extension-tests.ts')], { cwd: root, stdio: ['ignore', 2, 2] });

export default defineConfig({
  label: 'integration',
  files: 'out/test/integration/**/*.test.js',
  version: '1.139.1',
  workspaceFolder: 'out/test/workspace',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  env: { DS_ROADMAP_TEST_TEMPLATES: join(root, 'out', 'test', 'fixture-templates.json') },
  mocha: { ui: 'bdd', timeout: 30_000 },
});
