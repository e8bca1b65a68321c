// A compiled project template (dist/templates.json): the manifest of
// curriculum/projects/<id>/template.yaml plus the list of its files, made by the build.

export interface TemplateFile {
  /** `/`-separated path inside template/, possibly with `{{variables}}`. */
  readonly path: string;
  readonly binary: boolean;
}

export interface TemplateVariable {
  readonly name: string;
  readonly description: string;
  readonly default: string;
}

export interface TemplateMilestone {
  /** The milestone id of the project in roadmap.yaml. */
  readonly id: string;
  /** Test files, relative to the scaffolded project. */
  readonly tests: readonly string[];
  readonly hints?: MilestoneHints;
}

/** What a failing check of a milestone tells the learner (template.yaml `hints`). */
export interface MilestoneHints {
  /** Shown from the first failure. */
  readonly first: string;
  /** Shown as well once the milestone failed three checks in a row. */
  readonly second: string;
  /** Topic ids whose lessons the hints link to. */
  readonly read?: readonly string[];
}

export interface CompiledTemplate {
  readonly project: string;
  readonly minNodeVersion: string;
  /** Path of the README to open after scaffolding, relative to the scaffolded project. */
  readonly readme: string;
  readonly variables: readonly TemplateVariable[];
  readonly milestones: readonly TemplateMilestone[];
  readonly files: readonly TemplateFile[];
  /** Absolute folder of the template's files; only fixture templates of the integration tests set it. */
  readonly root?: string;
}

/** Default values of a template's variables, with `projectName` taken from the target folder. */
export function variableValues(template: CompiledTemplate, overrides: Readonly<Record<string, string>>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const variable of template.variables) {
    values[variable.name] = overrides[variable.name] ?? variable.default;
  }
  return values;
}
