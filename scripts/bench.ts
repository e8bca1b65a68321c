// `npm run bench`: prints the figures the budgets are about, never asserts them (machines are
// shared and noisy): bundle and package sizes, the cost of loading the curriculum, of a progress
// toggle and of a full load with 1,000 records, of presenting the tree, and the activation time
// of the extension in a real VS Code as its logs report it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCompiledCurriculum } from '../src/core/curriculum/load';
import { progressItemIds } from '../src/core/curriculum/model';
import { ProgressStore } from '../src/core/progress/store';
import { JournalFiles } from '../src/progress/journalFiles';
import { childNodes, presentStep, stepNodes } from '../src/core/roadmap/treeModel';
import { FakeMemento } from '../test/fakes/memento';
import { launchBrowser } from './vscode/browser';
import { ensureServer, startServer } from './vscode/server';

const ROOT = join(__dirname, '..');
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Median of `runs` timings of `fn`, in milliseconds. */
async function median(runs: number, fn: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

function sizes(): void {
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: 'ignore' });
  const size = (path: string) => (existsSync(join(ROOT, path)) ? kb(statSync(join(ROOT, path)).size) : 'missing');
  console.log('sizes (production build)');
  console.log(`  dist/extension.js       ${size('dist/extension.js')}   (budget 60 KB)`);
  console.log(`  dist/projects.js        ${size('dist/projects.js')}   (loaded by the first scaffold or check)`);
  console.log(`  dist/curriculum.json    ${size('dist/curriculum.json')}   (read at activation)`);
  console.log(`  dist/lessons.json       ${size('dist/lessons.json')}   (read when the first lesson opens)`);
  console.log(`  VSIX                    ${size('distributed-systems-roadmap.vsix')}`);
}

async function core(): Promise<void> {
  const text = readFileSync(join(ROOT, 'dist', 'curriculum.json'), 'utf8');
  const parse = await median(50, () => parseCompiledCurriculum(text, 'curriculum.json'));
  const loaded = parseCompiledCurriculum(text, 'curriculum.json');
  if (!loaded.ok) {
    throw new Error(loaded.reason);
  }
  const curriculum = loaded.curriculum;
  const real = [...progressItemIds(curriculum)];
  const ids = new Set([...real, ...Array.from({ length: 1000 - real.length }, (_, i) => `extra-${i}`)]);
  // The memento serialises the whole value on every update, as VS Code's global state does; the
  // journals are real files (appended and flushed) in a temporary folder.
  const storage = new FakeMemento();
  const folder = mkdtempSync(join(tmpdir(), 'ds-roadmap-bench-'));
  let window = 0;
  const options = () => ({ key: 'k', setAsidePrefix: 'aside.', knownIds: ids, journal: new JournalFiles(folder), node: `w${window++}` });
  const { store } = await ProgressStore.open(storage, options());
  await store.apply([...ids].map((id) => ({ id, done: true })));
  let flip = false;
  const toggle = await median(200, () => store.setDone('naming', (flip = !flip)));
  // A second window opening, again and again: its own journal is rewritten each time, so the
  // folder keeps two journals (1,000 records and their toggles, and the opener's snapshot).
  const load = await median(50, () => ProgressStore.open(storage, { ...options(), node: 'wopen' }));
  rmSync(folder, { recursive: true, force: true });
  const view = { isDone: (id: string) => store.isDone(id), get: (id: string) => store.get(id) };
  const tree = await median(50, () =>
    stepNodes(curriculum).forEach((node) => {
      presentStep(node.step, node.number, view);
      childNodes(node);
    }),
  );
  console.log('core (median)');
  console.log(`  parse curriculum.json          ${parse.toFixed(2)} ms`);
  console.log(`  toggle one record (1,000 kept)  ${toggle.toFixed(3)} ms   (journal append + flush, summary merge + write)`);
  console.log(`  load store with 1,000 records  ${load.toFixed(2)} ms   (summary + journals folded, snapshot written)`);
  console.log(`  present the whole tree         ${tree.toFixed(3)} ms`);
}

function findFiles(dir: string, match: (name: string) => boolean): string[] {
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => match(path) && statSync(path).isFile());
}

async function activation(): Promise<void> {
  const server = await startServer(ensureServer(), { extensions: [{ vsix: join(ROOT, 'distributed-systems-roadmap.vsix') }] });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.origin}/?folder=${encodeURIComponent(server.dirs.workspace)}`);
    await page.waitForSelector('.activitybar .action-item', { timeout: 60_000 });
    await page.waitForTimeout(3000);
    const logs = () => findFiles(server.dirs.root, (path) => path.endsWith('.log'));
    const before = logs().some((file) => readFileSync(file, 'utf8').includes('Activated in'));
    await page.locator('.activitybar .action-item a[aria-label*="Distributed Systems"]').click();
    await page.locator('.monaco-list-row[aria-level="1"]').first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(2000);
    const ours = logs().flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.includes('Activated in')),
    );
    const host = logs().flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.includes('ds-roadmap.distributed-systems-roadmap') && /activat/i.test(line)),
    );
    console.log('activation in VS Code 1.139 (server build)');
    console.log(`  active before the view opened: ${before ? 'yes (unexpected)' : 'no'}`);
    for (const line of [...host, ...ours]) {
      console.log(`  ${line.trim()}`);
    }
  } finally {
    await browser.close();
    server.stop();
  }
}

async function main(): Promise<void> {
  sizes();
  await core();
  if (!process.argv.includes('--no-vscode')) {
    await activation();
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
