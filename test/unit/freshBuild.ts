// Unit tests that read what the build writes to dist/ take its paths from here. The first call
// builds when dist/ is missing or older than a source of the build, so a stale dist/ never passes
// for the code under test; tests that need no dist/ never pay for a build.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** What the build reads (the walkthrough check aside, which the walkthrough tests repeat). */
const SOURCES = ['src', 'curriculum', 'media', 'scripts/compile-curriculum.ts', 'esbuild.js', 'package-lock.json'];
/** What every build rewrites, whatever changed; meta.json last, after the bundles. */
const OUTPUTS = ['curriculum.json', 'lessons.json.br', 'templates.json', 'template-files.br', 'meta.json'];

let checked = false;

/** The path of `name` in dist/, after building if dist/ is stale. */
export function distFile(name: string): string {
  if (!checked) {
    buildIfStale();
    checked = true;
  }
  return join(ROOT, 'dist', name);
}

function buildIfStale(): void {
  const built = Math.min(...OUTPUTS.map((name) => modified(join(ROOT, 'dist', name))));
  const changed = Math.max(...SOURCES.map((source) => newestIn(join(ROOT, source))));
  if (built >= changed) {
    return;
  }
  try {
    execFileSync(process.execPath, [join(ROOT, 'esbuild.js'), '--no-walkthrough-check'], { cwd: ROOT, stdio: 'pipe' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`dist/ was stale and the build failed:\n${String(stdout ?? '')}${String(stderr ?? '')}`, { cause: error });
  }
}

/** Modification time in ms; 0 for a missing file, so a missing output is always stale. */
function modified(file: string): number {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

/** The newest modification time of a file, or of any file under a folder. */
function newestIn(path: string): number {
  if (!existsSync(path)) {
    return 0;
  }
  if (!statSync(path).isDirectory()) {
    return modified(path);
  }
  return Math.max(0, ...readdirSync(path, { recursive: true, encoding: 'utf8' }).map((name) => modified(join(path, name))));
}
