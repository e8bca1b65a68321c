// The files the step-6 templates keep word for word the same (docs/TEMPLATES.md, "Shared files").
// Each template stays a complete project of its own (what the learner scaffolds, what the VSIX
// ships, what the proofs run), so every template keeps its copy; this list says which copies must
// not drift, the unit tests check them, and `npm run sync:templates` copies one over the others.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface SharedFile {
  /** The path inside each template folder. */
  readonly path: string;
  /** The projects whose templates hold a copy; the first holds the canonical one. */
  readonly templates: readonly string[];
}

const ALL_TEMPLATES = ['fault-tolerant-db', 'file-sharing', 'microservices'];

export const SHARED_TEMPLATE_FILES: readonly SharedFile[] = [
  { path: 'tsconfig.json', templates: ALL_TEMPLATES },
  { path: 'harness/random.ts', templates: ALL_TEMPLATES },
  { path: 'harness/runs.ts', templates: ALL_TEMPLATES },
  { path: 'harness/check.ts', templates: ALL_TEMPLATES },
  { path: 'harness/stress.ts', templates: ALL_TEMPLATES },
  { path: '.gitignore', templates: ALL_TEMPLATES },
];

/** The templates as the checks see them: `curriculum/projects/<project>/template/` on disk, or a fake. */
export interface TemplateTree {
  /** The projects that have a template folder. */
  projects(): readonly string[];
  /** Every file path inside the project's template folder, with `/` separators. */
  files(project: string): readonly string[];
  read(project: string, path: string): Uint8Array | undefined;
}

export function templateFile(project: string, path: string): string {
  return `curriculum/projects/${project}/template/${path}`;
}

export function diskTemplateTree(root: string): TemplateTree {
  const folder = (project: string) => join(root, 'curriculum', 'projects', project, 'template');
  return {
    projects: () =>
      readdirSync(join(root, 'curriculum', 'projects'))
        .filter((name) => existsSync(folder(name)))
        .sort(),
    files: (project) =>
      readdirSync(folder(project), { recursive: true, encoding: 'utf8' })
        .filter((name) => statSync(join(folder(project), name)).isFile())
        .map((name) => name.split('\\').join('/'))
        .sort(),
    read: (project, path) => {
      const file = join(folder(project), path);
      return existsSync(file) ? readFileSync(file) : undefined;
    },
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

function firstDifferentLine(a: Uint8Array, b: Uint8Array): number {
  const linesA = Buffer.from(a).toString('utf8').split('\n');
  const linesB = Buffer.from(b).toString('utf8').split('\n');
  let line = 0;
  while (line < linesA.length && line < linesB.length && linesA[line] === linesB[line]) {
    line++;
  }
  return line + 1;
}

/** What is out of step among the declared shared files: each a message that says how to sync. */
export function sharedFileDrift(tree: TemplateTree, shared: readonly SharedFile[] = SHARED_TEMPLATE_FILES): string[] {
  const problems: string[] = [];
  const projects = new Set(tree.projects());
  for (const file of shared) {
    const [canonical, ...others] = file.templates;
    if (canonical === undefined) {
      problems.push(`${file.path}: declared shared by no template.`);
      continue;
    }
    const missingProjects = file.templates.filter((project) => !projects.has(project));
    if (missingProjects.length > 0) {
      problems.push(`${file.path}: declared shared by ${missingProjects.join(', ')}, which has no template folder.`);
      continue;
    }
    const source = tree.read(canonical, file.path);
    if (source === undefined) {
      problems.push(`${templateFile(canonical, file.path)} (the canonical copy) is missing.`);
      continue;
    }
    for (const project of others) {
      const copy = tree.read(project, file.path);
      if (copy === undefined) {
        problems.push(`${templateFile(project, file.path)} is missing: run \`npm run sync:templates\` to copy ${templateFile(canonical, file.path)}.`);
      } else if (!sameBytes(source, copy)) {
        problems.push(
          `${templateFile(project, file.path)} differs from the canonical ${templateFile(canonical, file.path)} ` +
            `(first at line ${firstDifferentLine(source, copy)}). Edit the canonical copy and run \`npm run sync:templates\`, ` +
            `or keep this one with \`npm run sync:templates -- --from ${project}\`.`,
        );
      }
    }
  }
  return problems;
}

/** Files identical in two or more templates but not declared shared: copies that could drift unseen. */
export function undeclaredCopies(tree: TemplateTree, shared: readonly SharedFile[] = SHARED_TEMPLATE_FILES): string[] {
  const declared = new Set(shared.flatMap((file) => file.templates.map((project) => `${project}/${file.path}`)));
  const holders = new Map<string, string[]>();
  for (const project of tree.projects()) {
    for (const path of tree.files(project)) {
      if (!declared.has(`${project}/${path}`)) {
        holders.set(path, [...(holders.get(path) ?? []), project]);
      }
    }
  }
  const problems: string[] = [];
  for (const [path, projects] of holders) {
    const groups: { content: Uint8Array; projects: string[] }[] = [];
    for (const project of projects) {
      const content = tree.read(project, path) ?? new Uint8Array();
      const group = groups.find((g) => sameBytes(g.content, content));
      if (group) {
        group.projects.push(project);
      } else {
        groups.push({ content, projects: [project] });
      }
    }
    for (const group of groups.filter((g) => g.projects.length > 1)) {
      problems.push(
        `${path} is the same in the templates ${group.projects.join(', ')} but not declared shared: ` +
          `add it to SHARED_TEMPLATE_FILES in scripts/shared-template-files.ts, or let the copies differ.`,
      );
    }
  }
  return problems;
}
