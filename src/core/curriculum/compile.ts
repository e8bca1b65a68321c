// Parses and validates curriculum YAML, reporting each problem as `file:line:column: message`.
// Build-time only: it pulls in the YAML parser and the schema, which the extension never loads.
import { LineCounter, isMap, isNode, isPair, isScalar, parseDocument, type Document, type Node } from 'yaml';
import type { $ZodIssue } from 'zod/v4/core';
import { roadmapSchema, topicFileSchema, CURRICULUM_SCHEMA_VERSION } from './schema';
import type { RoadmapData, SourceCurriculum, TopicFileData } from './model';

export interface CurriculumProblem {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly message: string;
}

export type CompileResult =
  { readonly ok: true; readonly curriculum: SourceCurriculum } | { readonly ok: false; readonly problems: readonly CurriculumProblem[] };

export function formatProblem(problem: CurriculumProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`;
}

type PathSegment = string | number;

export interface SourceFile {
  /** As it should appear in messages, e.g. curriculum/roadmap.yaml. */
  readonly path: string;
  readonly text: string;
}

export interface CompileInput {
  readonly roadmap: SourceFile;
  /** curriculum/topics/*.yaml, one file per step. */
  readonly topicFiles: readonly SourceFile[];
  /** Whether a file referred to by the curriculum exists, relative to the repository root. */
  readonly fileExists: (relativePath: string) => boolean;
}

export type At = (offset: number, message: string) => CurriculumProblem;

/** One parsed, schema-checked file, with what is needed to point at its nodes. */
export interface Parsed<T> {
  readonly data: T;
  readonly doc: Document;
  readonly at: At;
  readonly path: string;
}

type ParseResult<T> = { readonly ok: true; readonly parsed: Parsed<T> } | { readonly ok: false; readonly problems: CurriculumProblem[] };

interface Schema<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false; error: { issues: $ZodIssue[] } };
}

/** Parses one YAML file and checks it against a schema. Never throws on bad input. */
export function parseFile<T>(file: SourceFile, schema: Schema<T>, emptyHint: string): ParseResult<T> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at: At = (offset, message) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: file.path, line, column: col, message };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => at(error.pos[0], `YAML syntax error: ${firstLine(error.message)}. Fix the YAML at this position.`)),
    };
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return { ok: false, problems: [at(0, `the file is empty: expected a mapping with ${emptyHint}.`)] };
  }
  const data: unknown = doc.toJS();
  const result = schema.safeParse(data);
  if (!result.success) {
    return { ok: false, problems: result.error.issues.map((issue) => problemForIssue(issue, doc, data, at)) };
  }
  return { ok: true, parsed: { data: result.data, doc, at, path: file.path } };
}

/** Parses and checks curriculum/roadmap.yaml alone. */
export function compileRoadmap(source: string, file: string): CompileResult {
  const result = parseFile({ path: file, text: source }, roadmapSchema, `schemaVersion: ${CURRICULUM_SCHEMA_VERSION}, title and steps`);
  if (!result.ok) {
    return { ok: false, problems: result.problems };
  }
  const problems: CurriculumProblem[] = [];
  crossCheckRoadmap(result.parsed, problems);
  const curriculum: SourceCurriculum = {
    ...result.parsed.data,
    steps: result.parsed.data.steps.map((step) => ({ ...step, topics: [] })),
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, curriculum };
}

/** Parses and cross-checks the whole curriculum: the roadmap and every step's topics. */
export function compileCurriculum(input: CompileInput): CompileResult {
  const roadmap = parseFile(input.roadmap, roadmapSchema, `schemaVersion: ${CURRICULUM_SCHEMA_VERSION}, title and steps`);
  const topicFiles = input.topicFiles.map((file) => parseFile(file, topicFileSchema, 'step and topics'));
  const problems = [roadmap, ...topicFiles].flatMap((result) => (result.ok ? [] : result.problems));
  if (!roadmap.ok || problems.length > 0) {
    return { ok: false, problems };
  }
  const parsedTopics = topicFiles.flatMap((result) => (result.ok ? [result.parsed] : []));
  // Topic ids share one namespace with the roadmap's step and project ids.
  const ids = crossCheckRoadmap(roadmap.parsed, problems);
  crossCheckTopics(roadmap.parsed, parsedTopics, input.fileExists, ids, problems);
  if (problems.length > 0) {
    return { ok: false, problems };
  }
  const topicsByStep = new Map(parsedTopics.map((file) => [file.data.step, file.data.topics]));
  const curriculum: SourceCurriculum = {
    ...roadmap.parsed.data,
    steps: roadmap.parsed.data.steps.map((step) => ({ ...step, topics: topicsByStep.get(step.id) ?? [] })),
  };
  return { ok: true, curriculum };
}

function firstLine(message: string): string {
  return message
    .split('\n')[0]
    .replace(/\.$/, '')
    .replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Checks the schema cannot express: ids unique across the file, ranges in order. Adds to
 * `problems` and returns the ids claimed, for the topic files to be checked against.
 */
function crossCheckRoadmap({ data, doc, at }: Parsed<RoadmapData>, problems: CurriculumProblem[]): UniqueIds {
  const ids = new UniqueIds(problems);
  data.steps.forEach((step, stepIndex) => {
    ids.claim(step.id, { doc, at, path: ['steps', stepIndex, 'id'] });
    if (step.duration.min > step.duration.max) {
      problems.push(
        at(
          offsetOf(doc, ['steps', stepIndex, 'duration']),
          `bad duration at ${formatPath(['steps', stepIndex, 'duration'])}: min (${step.duration.min}) is greater ` +
            `than max (${step.duration.max}). Swap them or make them equal.`,
        ),
      );
    }
    step.projects?.forEach((project, projectIndex) => {
      ids.claim(project.id, { doc, at, path: ['steps', stepIndex, 'projects', projectIndex, 'id'] });
      const milestoneIds = new UniqueIds(problems);
      project.milestones?.forEach((milestone, milestoneIndex) => {
        milestoneIds.claim(milestone.id, {
          doc,
          at,
          path: ['steps', stepIndex, 'projects', projectIndex, 'milestones', milestoneIndex, 'id'],
        });
      });
    });
  });
  return ids;
}

interface Place {
  readonly doc: Document;
  readonly at: At;
  readonly path: PathSegment[];
}

/** Collects ids and reports the second use of one, pointing back at the first. */
class UniqueIds {
  private readonly seen = new Map<string, Place>();
  constructor(private readonly problems: CurriculumProblem[]) {}

  claim(idValue: string, place: Place): void {
    const first = this.seen.get(idValue);
    if (!first) {
      this.seen.set(idValue, place);
      return;
    }
    const firstWhere = first.at(offsetOf(first.doc, first.path), '');
    const firstRef = firstWhere.file === place.at(0, '').file ? `line ${firstWhere.line}` : `${firstWhere.file}:${firstWhere.line}`;
    this.problems.push(
      place.at(
        offsetOf(place.doc, place.path),
        `duplicate id "${idValue}" at ${formatPath(place.path)} (first used at ${firstRef}). ` +
          "Ids key the learner's progress and must be unique: choose another id.",
      ),
    );
  }
}

/** Weeks per month, to compare topic hours with durations given in months. */
const WEEKS_PER_MONTH = 52 / 12;
/** Topic hours may fill less than the shortest duration (revision, projects), but not less than this share. */
const MIN_SHARE_OF_SHORTEST = 0.5;

function crossCheckTopics(
  roadmap: Parsed<RoadmapData>,
  files: readonly Parsed<TopicFileData>[],
  fileExists: (relativePath: string) => boolean,
  ids: UniqueIds,
  problems: CurriculumProblem[],
): void {
  const stepsWithTopics = new Map<string, Parsed<TopicFileData>>();
  const topicIds = new Set<string>();
  for (const file of files) {
    const step = roadmap.data.steps.find((candidate) => candidate.id === file.data.step);
    if (!step) {
      problems.push(file.at(offsetOf(file.doc, ['step']), `unknown step "${file.data.step}" at step: use the id of a step in ${roadmap.path}.`));
      continue;
    }
    const earlier = stepsWithTopics.get(step.id);
    if (earlier) {
      problems.push(file.at(offsetOf(file.doc, ['step']), `the topics of step "${step.id}" are already in ${earlier.path}: keep them in one file.`));
      continue;
    }
    stepsWithTopics.set(step.id, file);
    file.data.topics.forEach((topic, topicIndex) => {
      ids.claim(topic.id, { doc: file.doc, at: file.at, path: ['topics', topicIndex, 'id'] });
      topicIds.add(topic.id);
      if (topic.diagram && !fileExists(topic.diagram.file)) {
        problems.push(missingDiagram(file, ['topics', topicIndex, 'diagram', 'file'], topic.diagram.file));
      }
    });
    problems.push(...checkHours(step, file, roadmap.data.studyHoursPerWeek));
  }
  roadmap.data.steps.forEach((step, stepIndex) => {
    // A roadmap without any topic file is complete as it is; once topics exist, every study step needs them.
    if (files.length > 0 && !step.projects && !stepsWithTopics.has(step.id)) {
      problems.push(
        roadmap.at(offsetOf(roadmap.doc, ['steps', stepIndex]), `step "${step.id}" has no topics: add curriculum/topics/${step.id}.yaml with its topics.`),
      );
    }
    step.projects?.forEach((project, projectIndex) => {
      const base: PathSegment[] = ['steps', stepIndex, 'projects', projectIndex];
      if (project.diagram && !fileExists(project.diagram.file)) {
        problems.push(missingDiagram(roadmap, [...base, 'diagram', 'file'], project.diagram.file));
      }
      const refs: [PathSegment[], string][] = [
        ...(project.concepts ?? []).map((ref, i): [PathSegment[], string] => [[...base, 'concepts', i], ref]),
        ...(project.milestones ?? []).flatMap((milestone, m) =>
          milestone.readFirst.map((ref, i): [PathSegment[], string] => [[...base, 'milestones', m, 'readFirst', i], ref]),
        ),
      ];
      for (const [path, ref] of refs) {
        if (!topicIds.has(ref)) {
          problems.push(roadmap.at(offsetOf(roadmap.doc, path), `unknown topic "${ref}" at ${formatPath(path)}: use the id of a topic in curriculum/topics/.`));
        }
      }
    });
  });
}

function missingDiagram(parsed: Parsed<unknown>, path: PathSegment[], file: string): CurriculumProblem {
  return parsed.at(offsetOf(parsed.doc, path), `missing diagram ${file} at ${formatPath(path)}: add the SVG or fix the path.`);
}

/** A step's topic hours must fit its duration at the stated study hours per week. */
function checkHours(step: RoadmapData['steps'][number], file: Parsed<TopicFileData>, hoursPerWeek: number | undefined): CurriculumProblem[] {
  if (hoursPerWeek === undefined) {
    return [];
  }
  const weeks = (n: number): number => (step.duration.unit === 'month' ? n * WEEKS_PER_MONTH : n);
  const total = file.data.topics.reduce((sum, topic) => sum + topic.hours, 0);
  const most = weeks(step.duration.max) * hoursPerWeek;
  const least = weeks(step.duration.min) * hoursPerWeek * MIN_SHARE_OF_SHORTEST;
  if (total >= least && total <= most) {
    return [];
  }
  return [
    file.at(
      offsetOf(file.doc, ['topics']),
      `the topics of step "${step.id}" add up to ${total} hours, but its duration at ${hoursPerWeek} hours a week allows ` +
        `${Math.ceil(least)} to ${Math.floor(most)}: adjust the topics' hours.`,
    ),
  ];
}

function problemForIssue(issue: $ZodIssue, doc: Document, data: unknown, at: At): CurriculumProblem {
  const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol');
  const where = formatPath(path);
  const received = valueAt(data, path);

  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0];
      const keyPath = [...path, key];
      const extra =
        issue.keys.length > 1
          ? ` (and ${issue.keys
              .slice(1)
              .map((k) => `"${k}"`)
              .join(', ')})`
          : '';
      return at(keyOffset(doc, path, key), `unknown field "${key}"${extra} at ${formatPath(keyPath)}. Remove it or check its spelling.`);
    }
    case 'invalid_type': {
      if (received === undefined) {
        const field = path[path.length - 1];
        const parent = path.slice(0, -1);
        return at(offsetOf(doc, parent), `missing required field "${String(field)}" in ${formatPath(parent)}. Add it (expected ${article(issue.expected)}).`);
      }
      const expected = issue.expected === 'int' ? 'a whole number' : article(issue.expected);
      return at(offsetOf(doc, path), `wrong type at ${where}: expected ${expected}, found ${describe(received)}.`);
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v)).join(', ');
      return at(offsetOf(doc, path), `invalid value at ${where}: expected one of ${allowed}, found ${describe(received)}.`);
    }
    case 'invalid_format':
      if (issue.message === 'version-format') {
        return at(offsetOf(doc, path), `bad version ${describe(received)} at ${where}: write it as major.minor.patch, e.g. "22.18.0".`);
      }
      if (issue.message === 'variable-name') {
        return at(offsetOf(doc, path), `bad variable name at ${where}: use letters, digits and "_", starting with a letter.`);
      }
      if (issue.message === 'doi-format') {
        return at(offsetOf(doc, path), `bad DOI ${describe(received)} at ${where}: write the DOI alone, e.g. "10.1145/2408776.2408794" (no https://doi.org/).`);
      }
      if (issue.message === 'url-format') {
        return at(offsetOf(doc, path), `bad address ${describe(received)} at ${where}: use a stable https:// address without spaces.`);
      }
      if (issue.message === 'diagram-path') {
        return at(offsetOf(doc, path), `bad diagram path ${describe(received)} at ${where}: use media/diagrams/<name>.svg.`);
      }
      return at(
        offsetOf(doc, path),
        `invalid id ${describe(received)} at ${where}: use lowercase letters, digits and single hyphens, ` + 'starting with a letter (e.g. "fault-tolerance").',
      );
    case 'too_small':
      return at(offsetOf(doc, path), tooSmallMessage(issue.message, issue.origin, where));
    case 'too_big':
      return at(offsetOf(doc, path), tooBigMessage(issue.message, where, issue.maximum));
    default:
      return at(offsetOf(doc, path), `invalid value at ${where}: ${issue.message}.`);
  }
}

function tooSmallMessage(code: string, origin: string, where: string): string {
  switch (code) {
    case 'no-steps':
      return `no steps at ${where}: the roadmap needs at least one step.`;
    case 'no-projects':
      return `empty list at ${where}: list at least one project or remove the field.`;
    case 'no-authors':
      return `no authors at ${where}: name at least one author of the book.`;
    case 'empty-text':
      return `empty text at ${where}: write the text or remove the field if it is optional.`;
    case 'no-reading':
      return `empty list at ${where}: name at least one topic to read first.`;
    case 'no-concepts':
      return `empty list at ${where}: name at least one key concept.`;
    case 'few-questions':
      return `too few self-check questions at ${where}: write 3 to 5.`;
    case 'no-tests':
      return `empty list at ${where}: name the milestone's test files.`;
    case 'no-milestones':
      return `empty list at ${where}: a template has at least one milestone.`;
    case 'few-topics':
      return `too few topics at ${where}: a step has 5 to 9 topics.`;
    default:
      return origin === 'number' ? `bad number at ${where}: it must be a whole number greater than 0.` : `too short at ${where}: ${code}.`;
  }
}

function tooBigMessage(code: string, where: string, maximum: number | bigint): string {
  switch (code) {
    case 'many-questions':
      return `too many self-check questions at ${where}: keep 3 to 8.`;
    case 'many-topics':
      return `too many topics at ${where}: a step has 5 to 12 topics; split the step or merge topics.`;
    default:
      return `too large at ${where}: at most ${String(maximum)}.`;
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describe(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'object') {
    return 'a mapping';
  }
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  }
  return value === undefined ? 'nothing' : `${typeof value} ${JSON.stringify(value)}`;
}

export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) {
    return 'the top level';
  }
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let current: unknown = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return current;
}

/** Start offset of the node at `path`, or of its nearest existing ancestor. */
export function offsetOf(doc: Document, path: readonly PathSegment[]): number {
  for (let length = path.length; length >= 0; length--) {
    const node: unknown = length === 0 ? doc.contents : doc.getIn(path.slice(0, length), true);
    if (isNode(node) && node.range) {
      return node.range[0];
    }
  }
  return 0;
}

function keyOffset(doc: Document, mapPath: readonly PathSegment[], key: string): number {
  const map: unknown = mapPath.length === 0 ? doc.contents : doc.getIn(mapPath, true);
  if (isMap(map)) {
    const pair = map.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
    const keyNode = pair?.key as Node | undefined;
    if (keyNode?.range) {
      return keyNode.range[0];
    }
  }
  return offsetOf(doc, mapPath);
}
