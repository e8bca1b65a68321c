// `npm run build:tests`: readies the integration suite for a desktop VS Code started from the
// editor (F5 "Extension Tests", or the Extension Test Runner through .vscode-test.mjs): builds the
// extension and the tests, compiles the fixture templates the suite expects, and lays out a fresh
// workspace at out/test/workspace, since the suite scaffolds into its workspace and wants it empty.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareVersions } from '../../src/core/check/outcome';
import { compileFixtureTemplates } from './fixture-templates';

const ROOT = join(__dirname, '..', '..');
const WORKSPACE = join(ROOT, 'out', 'test', 'workspace');
/** What the step-6 templates' milestone checks need to run their TypeScript directly. */
const CHECK_NODE = '22.18.0';

execFileSync(process.execPath, [join(ROOT, 'esbuild.js'), '--tests'], { cwd: ROOT, stdio: 'inherit' });
const templates = compileFixtureTemplates();
rmSync(WORKSPACE, { recursive: true, force: true });
mkdirSync(join(WORKSPACE, '.vscode'), { recursive: true });
// The milestone checks run with the Node.js running this script when it is new enough; otherwise
// with the one on PATH, as for a learner.
const settings = compareVersions(process.version, CHECK_NODE) >= 0 ? { 'dsRoadmap.nodePath': process.execPath } : {};
writeFileSync(join(WORKSPACE, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
console.log(`build:tests: tests in out/test/integration, fixture templates in ${templates}, empty workspace at ${WORKSPACE}`);
if (compareVersions(process.version, CHECK_NODE) < 0) {
  console.log(`build:tests: Node.js ${process.version} is older than ${CHECK_NODE}: the milestone checks in the suite need a newer one on PATH.`);
}
