// Generates the walkthroughs from the compiled curriculum (run `npm run build` first):
// `--write` rewrites package.json's contributes.walkthroughs, their titles in package.nls.json and walkthroughs/**.md;
// without it, checks that the committed files are what the curriculum generates and exits 1 if not.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { withLessonText, type Curriculum, type TopicLessonText } from '../src/core/curriculum/model';
import type { CompiledTemplate } from '../src/core/scaffold/template';
import { generateWalkthroughs, NLS_PREFIX } from '../src/core/walkthrough/generate';

const root = join(__dirname, '..');
const write = process.argv.includes('--write');
const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(root, path), 'utf8')) as T;

// The topics' reading and try-it text ship with the lessons, not in curriculum.json.
const lessons = JSON.parse(brotliDecompressSync(readFileSync(join(root, 'dist', 'lessons.json.br'))).toString('utf8')) as Record<string, TopicLessonText>;
const curriculum = withLessonText(readJson<Curriculum>('dist/curriculum.json'), lessons);
if (!curriculum) {
  console.error('walkthroughs: dist/lessons.json.br lacks a topic of dist/curriculum.json: run "npm run build" first.');
  process.exit(1);
}
const generated = generateWalkthroughs(curriculum, readJson<CompiledTemplate[]>('dist/templates.json'));
const manifestPath = join(root, 'package.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { contributes: Record<string, unknown> };
const nlsPath = join(root, 'package.nls.json');
const nls = JSON.parse(readFileSync(nlsPath, 'utf8')) as Record<string, string>;
/** package.nls.json with the generator's keys as generated now, the others as they are. */
const expectedNls = { ...Object.fromEntries(Object.entries(nls).filter(([key]) => !key.startsWith(NLS_PREFIX))), ...generated.nls };
const committedFiles = existsSync(join(root, 'walkthroughs'))
  ? readdirSync(join(root, 'walkthroughs'), { recursive: true, encoding: 'utf8' })
      .map((name) => join('walkthroughs', name))
      .filter((path) => path.endsWith('.md'))
      .map((path) => path.split(sep).join('/'))
  : [];

if (write) {
  manifest.contributes.walkthroughs = generated.walkthroughs;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(nlsPath, `${JSON.stringify(expectedNls, null, 2)}\n`);
  for (const stale of committedFiles.filter((path) => !generated.files.has(path))) {
    rmSync(join(root, stale));
  }
  for (const [path, content] of generated.files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  const steps = generated.walkthroughs.reduce((sum, walkthrough) => sum + walkthrough.steps.length, 0);
  console.log(`walkthroughs: ${generated.walkthroughs.length} walkthroughs, ${steps} steps, ${generated.files.size} Markdown files written.`);
} else {
  const drift: string[] = [];
  if (JSON.stringify(manifest.contributes.walkthroughs ?? []) !== JSON.stringify(generated.walkthroughs)) {
    drift.push('package.json: contributes.walkthroughs');
  }
  if (JSON.stringify(nls) !== JSON.stringify(expectedNls)) {
    drift.push("package.nls.json: the walkthroughs' titles");
  }
  for (const [path, content] of generated.files) {
    const file = join(root, path);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== content) {
      drift.push(path);
    }
  }
  drift.push(...committedFiles.filter((path) => !generated.files.has(path)).map((path) => `${path} (no longer generated)`));
  if (drift.length > 0) {
    console.error(`walkthroughs: out of date with the curriculum: ${drift.join(', ')}.`);
    console.error('walkthroughs: run "npm run generate:walkthroughs" and commit the result.');
    process.exit(1);
  }
  console.log(`walkthroughs: ${generated.walkthroughs.length} walkthroughs match the curriculum (${relative(process.cwd(), root) || '.'}).`);
}
