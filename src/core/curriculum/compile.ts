// Parses and validates curriculum YAML, reporting each problem as `file:line:column: message`.
// Build-time only: it pulls in the YAML parser and the schema, which the extension never loads.
import { LineCounter, isMap, isNode, isPair, isScalar, parseDocument, type Document, type Node } from 'yaml';
import type { $ZodIssue } from 'zod/v4/core';
import { curriculumSchema, CURRICULUM_SCHEMA_VERSION } from './schema';
import type { Curriculum } from './model';

export interface CurriculumProblem {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly message: string;
}

export type CompileResult =
  | { readonly ok: true; readonly curriculum: Curriculum }
  | { readonly ok: false; readonly problems: readonly CurriculumProblem[] };

export function formatProblem(problem: CurriculumProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`;
}

type PathSegment = string | number;

/** Parses, schema-checks and cross-checks one curriculum file. Never throws on bad input. */
export function compileCurriculum(source: string, file: string): CompileResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number, message: string): CurriculumProblem => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col, message };
  };

  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) =>
        at(error.pos[0], `YAML syntax error: ${firstLine(error.message)}. Fix the YAML at this position.`),
      ),
    };
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return {
      ok: false,
      problems: [
        at(0, `the file is empty: expected a mapping with schemaVersion: ${CURRICULUM_SCHEMA_VERSION}, title and steps.`),
      ],
    };
  }

  const data: unknown = doc.toJS();
  const parsed = curriculumSchema.safeParse(data);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => problemForIssue(issue, doc, data, at)) };
  }

  const problems = crossCheck(parsed.data, doc, at);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, curriculum: parsed.data };
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/\.$/, '').replace(/ at line \d+, column \d+:?$/, '');
}

type At = (offset: number, message: string) => CurriculumProblem;

/** Checks the schema cannot express: ids unique across the file, ranges in order. */
function crossCheck(curriculum: Curriculum, doc: Document, at: At): CurriculumProblem[] {
  const problems: CurriculumProblem[] = [];
  const seen = new Map<string, PathSegment[]>();
  const claim = (idValue: string, path: PathSegment[]): void => {
    const first = seen.get(idValue);
    if (first) {
      const firstLineNo = lineOf(doc, first, at);
      problems.push(
        at(
          offsetOf(doc, path),
          `duplicate id "${idValue}" at ${formatPath(path)} (first used at line ${firstLineNo}). ` +
            'Ids key the learner\'s progress and must be unique: choose another id.',
        ),
      );
    } else {
      seen.set(idValue, path);
    }
  };
  curriculum.steps.forEach((step, stepIndex) => {
    claim(step.id, ['steps', stepIndex, 'id']);
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
      claim(project.id, ['steps', stepIndex, 'projects', projectIndex, 'id']);
    });
  });
  return problems;
}

function problemForIssue(issue: $ZodIssue, doc: Document, data: unknown, at: At): CurriculumProblem {
  const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol');
  const where = formatPath(path);
  const received = valueAt(data, path);

  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0];
      const keyPath = [...path, key];
      const extra = issue.keys.length > 1 ? ` (and ${issue.keys.slice(1).map((k) => `"${k}"`).join(', ')})` : '';
      return at(
        keyOffset(doc, path, key),
        `unknown field "${key}"${extra} at ${formatPath(keyPath)}. Remove it or check its spelling.`,
      );
    }
    case 'invalid_type': {
      if (received === undefined) {
        const field = path[path.length - 1];
        const parent = path.slice(0, -1);
        return at(
          offsetOf(doc, parent),
          `missing required field "${String(field)}" in ${formatPath(parent)}. Add it (expected ${article(issue.expected)}).`,
        );
      }
      const expected = issue.expected === 'int' ? 'a whole number' : article(issue.expected);
      return at(offsetOf(doc, path), `wrong type at ${where}: expected ${expected}, found ${describe(received)}.`);
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v)).join(', ');
      return at(offsetOf(doc, path), `invalid value at ${where}: expected one of ${allowed}, found ${describe(received)}.`);
    }
    case 'invalid_format':
      return at(
        offsetOf(doc, path),
        `invalid id ${describe(received)} at ${where}: use lowercase letters, digits and single hyphens, ` +
          'starting with a letter (e.g. "fault-tolerance").',
      );
    case 'too_small':
      return at(offsetOf(doc, path), tooSmallMessage(issue.message, issue.origin, where));
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
    default:
      return origin === 'number'
        ? `bad number at ${where}: it must be a whole number greater than 0.`
        : `too short at ${where}: ${code}.`;
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
  return path
    .map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`))
    .join('');
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
function offsetOf(doc: Document, path: readonly PathSegment[]): number {
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

function lineOf(doc: Document, path: readonly PathSegment[], at: At): number {
  return at(offsetOf(doc, path), '').line;
}
