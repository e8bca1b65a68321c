// `npm run test:desktop`: the same integration suite in a desktop VS Code downloaded by
// @vscode/test-electron, where a download is possible. Offline it fails within seconds and says
// to use `npm test`, which runs the suite in a VS Code server from the npm registry instead.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

const ROOT = join(__dirname, '..', '..');
const VERSION = '1.139.1';

async function main(): Promise<number> {
  execFileSync(process.execPath, [join(ROOT, 'esbuild.js'), '--tests'], { cwd: ROOT, stdio: 'inherit' });
  let executable: string;
  try {
    executable = await Promise.race([
      downloadAndUnzipVSCode(VERSION),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer from the VS Code download server within 20 s')), 20_000)),
    ]);
  } catch (error) {
    console.error(
      `test:desktop: could not download VS Code ${VERSION} (${(error as Error).message}).\n` +
        'test:desktop: this machine cannot reach the VS Code update server. Run "npm test" instead: it runs the same ' +
        'integration suite in a VS Code server installed from the npm registry.',
    );
    return 1;
  }
  return runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'out', 'test', 'integration', 'index.js'),
    launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test:desktop: ${(error as Error).message}`);
    process.exit(1);
  },
);
