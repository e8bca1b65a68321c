// Build step: validates curriculum/ (roadmap.yaml, topics/*.yaml, projects/*/template.yaml and the
// template files) and writes dist/curriculum.json, dist/templates.json and the lessons
// (dist/lessons.json.br). Exits 1 with one
// `file:line:column: message` line per problem.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import { compileCurriculum, formatProblem, type CurriculumProblem } from '../src/core/curriculum/compile';
import { compileTemplate } from '../src/core/curriculum/templates';
import { runtimeCurriculum } from '../src/core/curriculum/model';
import { diagramProblems } from '../src/core/lesson/diagram';
import { lessonContent } from '../src/core/lesson/markdown';
import type { LessonContent } from '../src/core/lesson/page';
import type { CompiledTemplate } from '../src/core/scaffold/template';

const root = join(__dirname, '..');
const curriculumDir = process.argv[2] ?? join(root, 'curriculum');
const target = process.argv[3] ?? join(root, 'dist', 'curriculum.json');

const read = (file: string) => ({ path: relative(root, file), text: readFileSync(file, 'utf8') });
const topicsDir = join(curriculumDir, 'topics');
const topicFiles = existsSync(topicsDir)
  ? readdirSync(topicsDir)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((name) => read(join(topicsDir, name)))
  : [];

const result = compileCurriculum({
  roadmap: read(join(curriculumDir, 'roadmap.yaml')),
  topicFiles,
  fileExists: (path) => existsSync(join(root, path)),
});
if (!result.ok) {
  fail(result.problems);
}

/** Every file under a template folder; a symbolic link is a problem, never followed. */
function listTemplateFiles(folder: string, problems: CurriculumProblem[]): { path: string; content: Uint8Array }[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => join(folder, name))
    .filter((file) => {
      const stat = lstatSync(file);
      if (stat.isSymbolicLink()) {
        problems.push({ file: relative(root, file), line: 1, column: 1, message: 'a template may not contain symbolic links: copy the file instead.' });
      }
      return stat.isFile();
    })
    .map((file) => ({ path: relative(folder, file).split(sep).join('/'), content: readFileSync(file) }));
}

const projectsDir = join(curriculumDir, 'projects');
const templates: CompiledTemplate[] = [];
const templateProblems: CurriculumProblem[] = [];
for (const name of existsSync(projectsDir) ? readdirSync(projectsDir).sort() : []) {
  const manifest = join(projectsDir, name, 'template.yaml');
  if (!existsSync(manifest)) {
    continue;
  }
  const folder = join(projectsDir, name, 'template');
  const compiled = compileTemplate(
    { manifest: read(manifest), folder: relative(root, folder), files: existsSync(folder) ? listTemplateFiles(folder, templateProblems) : [] },
    result.curriculum,
  );
  if (compiled.ok) {
    templates.push(compiled.template);
  } else {
    templateProblems.push(...compiled.problems);
  }
}
if (templateProblems.length > 0) {
  fail(templateProblems);
}

mkdirSync(dirname(target), { recursive: true });
// What only a lesson page reads stays out (runtimeCurriculum): it goes below into lessons.json.br, read when a lesson opens.
writeWhole(target, JSON.stringify(runtimeCurriculum(result.curriculum)));
writeWhole(join(dirname(target), 'templates.json'), JSON.stringify(templates));
// Lessons are rendered here, at build time, so no Markdown parser ships on the activation path.
// Diagrams are checked here; the lesson panel inlines them from media/diagrams/ (which the
// walkthroughs show too), so that they take the theme's colours and ship once.
const lessons: Record<string, LessonContent> = {};
const diagramIssues: CurriculumProblem[] = [];
for (const topic of result.curriculum.steps.flatMap((step) => step.topics)) {
  if (topic.diagram) {
    for (const problem of diagramProblems(readFileSync(join(root, topic.diagram.file), 'utf8'))) {
      diagramIssues.push({ file: topic.diagram.file, line: 1, column: 1, message: `${problem} (diagram of topic "${topic.id}").` });
    }
  }
  lessons[topic.id] = lessonContent(topic);
}
if (diagramIssues.length > 0) {
  fail(diagramIssues);
}
// Brotli at its best quality: the VSIX's zip compresses each file alone with Deflate (104 KB for
// these 320 KB of HTML, 85 KB as Brotli), and a lesson's first open decompresses it in about 1 ms.
const lessonsText = Buffer.from(JSON.stringify(lessons));
writeWhole(
  join(dirname(target), 'lessons.json.br'),
  brotliCompressSync(lessonsText, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: lessonsText.length } }),
);
const topics = result.curriculum.steps.reduce((sum, step) => sum + step.topics.length, 0);
console.log(`curriculum: ${result.curriculum.steps.length} steps, ${topics} topics, ${templates.length} templates -> ${relative(root, dirname(target))}`);

/**
 * Writes a file whole or not at all (a temporary file renamed over it): what reads dist/ while a
 * build runs (npm test's template proofs beside the package's production build) sees the old file
 * or the new one, never half of one.
 */
function writeWhole(path: string, content: string | Buffer): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

function fail(problems: readonly CurriculumProblem[]): never {
  for (const problem of problems) {
    console.error(formatProblem(problem));
  }
  console.error(`curriculum: ${problems.length} problem(s); nothing was written to ${relative(root, dirname(target))}.`);
  process.exit(1);
}
