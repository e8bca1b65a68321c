// Build-time compilation of the step-6 templates: validates each manifest and every file of its
// template/ folder (paths confined, variables declared, tests and README present, milestones in
// step with roadmap.yaml) and produces the CompiledTemplate the extension scaffolds from.
import type { Curriculum } from './model';
import { formatPath, offsetOf, parseFile, type CurriculumProblem, type SourceFile } from './compile';
import { templateManifestSchema } from './schema';
import { checkRelativePath } from '../scaffold/paths';
import { isBinary, substitute, variablesIn } from '../scaffold/render';
import type { CompiledTemplate } from '../scaffold/template';

export interface TemplateInput {
  readonly manifest: SourceFile;
  /** Display path of the template/ folder, for messages. */
  readonly folder: string;
  /** Every file under template/, `/`-separated relative paths. */
  readonly files: readonly { readonly path: string; readonly content: Uint8Array }[];
}

export type TemplateResult =
  { readonly ok: true; readonly template: CompiledTemplate } | { readonly ok: false; readonly problems: readonly CurriculumProblem[] };

export function compileTemplate(input: TemplateInput, curriculum: Curriculum): TemplateResult {
  const parsed = parseFile(input.manifest, templateManifestSchema, 'project, minNodeVersion, readme, variables and milestones');
  if (!parsed.ok) {
    return { ok: false, problems: parsed.problems };
  }
  const { data, doc, at } = parsed.parsed;
  const problems: CurriculumProblem[] = [];
  const inFolder = (path: string, message: string): CurriculumProblem => ({ file: `${input.folder}/${path}`, line: 1, column: 1, message });

  const project = curriculum.steps.flatMap((step) => step.projects ?? []).find((candidate) => candidate.id === data.project);
  if (!project) {
    problems.push(at(offsetOf(doc, ['project']), `unknown project "${data.project}": use the id of a project in curriculum/roadmap.yaml.`));
  } else if (project.milestones) {
    const expected = project.milestones.map((milestone) => milestone.id);
    const actual = data.milestones.map((milestone) => milestone.id);
    if (expected.join() !== actual.join()) {
      problems.push(
        at(
          offsetOf(doc, ['milestones']),
          `the milestones (${actual.join(', ')}) differ from those of project "${project.id}" in curriculum/roadmap.yaml ` +
            `(${expected.join(', ')}): keep the same ids in the same order.`,
        ),
      );
    }
  }

  const declared = new Set(Object.keys(data.variables));
  const defaults = Object.fromEntries(Object.entries(data.variables).map(([name, variable]) => [name, variable.default]));
  const rendered = new Set<string>();
  const files = [...input.files].sort((a, b) => a.path.localeCompare(b.path));
  for (const file of files) {
    const binary = isBinary(file.content);
    const undeclaredInName = variablesIn(file.path).filter((name) => !declared.has(name));
    if (undeclaredInName.length > 0) {
      problems.push(inFolder(file.path, `the file name uses {{${undeclaredInName[0]}}}, which template.yaml does not declare.`));
      continue;
    }
    const target = substitute(file.path, defaults, file.path);
    const check = checkRelativePath(target);
    if (!check.ok) {
      problems.push(inFolder(file.path, `unsafe file name: ${check.reason}.`));
      continue;
    }
    rendered.add(target);
    if (!binary) {
      const text = new TextDecoder().decode(file.content);
      for (const name of variablesIn(text).filter((variable) => !declared.has(variable))) {
        const offset = text.search(new RegExp(`\\{\\{\\s*${name}\\s*\\}\\}`));
        const line = text.slice(0, offset).split('\n').length;
        problems.push({
          file: `${input.folder}/${file.path}`,
          line,
          column: offset - text.lastIndexOf('\n', offset - 1),
          message: `{{${name}}} is not a variable of template.yaml: declare it under variables, or fix the name.`,
        });
      }
    }
  }
  if (!rendered.has(data.readme)) {
    problems.push(at(offsetOf(doc, ['readme']), `the README "${data.readme}" is not a file of ${input.folder}.`));
  }
  data.milestones.forEach((milestone, m) =>
    milestone.tests.forEach((test, t) => {
      if (!rendered.has(test)) {
        const path = ['milestones', m, 'tests', t];
        problems.push(at(offsetOf(doc, path), `the test file "${test}" at ${formatPath(path)} is not a file of ${input.folder}.`));
      }
    }),
  );
  data.milestones.forEach((milestone, m) =>
    (milestone.hints?.read ?? []).forEach((topic, t) => {
      if (!curriculum.steps.some((step) => step.topics.some((candidate) => candidate.id === topic))) {
        const path = ['milestones', m, 'hints', 'read', t];
        problems.push(at(offsetOf(doc, path), `unknown topic "${topic}" at ${formatPath(path)}: use the id of a topic in curriculum/topics/.`));
      }
    }),
  );
  if (problems.length > 0) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    template: {
      project: data.project,
      minNodeVersion: data.minNodeVersion,
      readme: data.readme,
      variables: Object.entries(data.variables).map(([name, variable]) => ({ name, ...variable })),
      // A hint without its own reading links to the milestone's readFirst topics.
      milestones: data.milestones.map((milestone) => {
        const readFirst = project?.milestones?.find((candidate) => candidate.id === milestone.id)?.readFirst;
        return milestone.hints ? { ...milestone, hints: { ...milestone.hints, read: milestone.hints.read ?? readFirst } } : milestone;
      }),
      files: files.map((file) => ({ path: file.path, binary: isBinary(file.content) })),
    },
  };
}
