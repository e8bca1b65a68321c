// Build step: validates curriculum/roadmap.yaml against the schema and writes dist/curriculum.json.
// Exits 1 with one `file:line:column: message` line per problem.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { compileCurriculum, formatProblem } from '../src/core/curriculum/compile';

const root = join(__dirname, '..');
const source = process.argv[2] ?? join(root, 'curriculum', 'roadmap.yaml');
const target = process.argv[3] ?? join(root, 'dist', 'curriculum.json');

const result = compileCurriculum(readFileSync(source, 'utf8'), relative(process.cwd(), source) || source);
if (!result.ok) {
  for (const problem of result.problems) {
    console.error(formatProblem(problem));
  }
  console.error(`curriculum: ${result.problems.length} problem(s); dist/curriculum.json was not written.`);
  process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, JSON.stringify(result.curriculum));
console.log(`curriculum: ${result.curriculum.steps.length} steps -> ${relative(process.cwd(), target)}`);
