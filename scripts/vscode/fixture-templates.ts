// Compiles the fixture templates under test/fixtures/projects (tiny stand-ins whose milestone
// tests pass or fail on purpose) for the integration tests, against the built curriculum, and
// lists them with the shipped templates they do not replace.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { formatProblem } from '../../src/core/curriculum/compile';
import type { Curriculum } from '../../src/core/curriculum/model';
import { compileTemplate } from '../../src/core/curriculum/templates';
import type { CompiledTemplate } from '../../src/core/scaffold/template';

const ROOT = join(__dirname, '..', '..');

/** Writes out/test/fixture-templates.json and returns its path. */
export function compileFixtureTemplates(): string {
  const curriculum = JSON.parse(readFileSync(join(ROOT, 'dist', 'curriculum.json'), 'utf8')) as Curriculum;
  const projectsDir = join(ROOT, 'test', 'fixtures', 'projects');
  const templates: CompiledTemplate[] = readdirSync(projectsDir).map((name) => {
    const folder = join(projectsDir, name, 'template');
    const files = readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .map((file) => join(folder, file))
      .filter((file) => statSync(file).isFile())
      .map((file) => ({ path: relative(folder, file).split(sep).join('/'), content: readFileSync(file) }));
    const manifest = join(projectsDir, name, 'template.yaml');
    const result = compileTemplate(
      { manifest: { path: relative(ROOT, manifest), text: readFileSync(manifest, 'utf8') }, folder: relative(ROOT, folder), files },
      curriculum,
    );
    if (!result.ok) {
      throw new Error(result.problems.map(formatProblem).join('\n'));
    }
    return { ...result.template, root: folder };
  });
  // The shipped templates stay available (with their files in the repository), except where a
  // fixture stands in for one.
  const shipped = (JSON.parse(readFileSync(join(ROOT, 'dist', 'templates.json'), 'utf8')) as CompiledTemplate[])
    .filter((template) => !templates.some((fixture) => fixture.project === template.project))
    .map((template) => ({ ...template, root: join(ROOT, 'curriculum', 'projects', template.project, 'template') }));
  templates.push(...shipped);
  const target = join(ROOT, 'out', 'test', 'fixture-templates.json');
  mkdirSync(join(target, '..'), { recursive: true });
  writeFileSync(target, JSON.stringify(templates));
  return target;
}
