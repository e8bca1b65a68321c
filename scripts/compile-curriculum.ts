// Build step: validates curriculum/ (roadmap.yaml and topics/*.yaml) against the schema and writes
// dist/curriculum.json. Exits 1 with one `file:line:column: message` line per problem.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { compileCurriculum, formatProblem } from '../src/core/curriculum/compile';

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
  for (const problem of result.problems) {
    console.error(formatProblem(problem));
  }
  console.error(`curriculum: ${result.problems.length} problem(s); ${relative(root, target)} was not written.`);
  process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, JSON.stringify(result.curriculum));
const topics = result.curriculum.steps.reduce((sum, step) => sum + step.topics.length, 0);
console.log(`curriculum: ${result.curriculum.steps.length} steps, ${topics} topics -> ${relative(root, target)}`);
