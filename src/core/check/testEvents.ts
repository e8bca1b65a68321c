// Reads the JSON lines of our node:test reporter (src/projects/nodeTestReporter.ts) as they
// arrive: each test's result named by its suites, with its duration, and for a failure the
// message, expected and actual values, and where in the learner's code the assertion failed.
import * as l10n from '@vscode/l10n';
import { fileURLToPath } from 'node:url';

export type TestStatus = 'pass' | 'fail' | 'skip' | 'todo';

export interface SourceLocation {
  /** Absolute path. */
  readonly file: string;
  /** 1-based, as node prints them. */
  readonly line: number;
  readonly column: number;
}

export interface TestFailure {
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
  /** The frame of the failing assertion in the test file, or else in the project's own code. */
  readonly location?: SourceLocation;
}

export interface TestResult {
  readonly kind: 'result';
  /** Absolute path of the test file. */
  readonly file: string;
  /** Suite names and the test's name, outermost first; empty for a failure of the file itself (it did not load). */
  readonly path: readonly string[];
  readonly status: TestStatus;
  readonly suite: boolean;
  /** Where the test is declared (1-based). */
  readonly line?: number;
  readonly durationMs?: number;
  /** Why it was skipped, or the todo's text. */
  readonly reason?: string;
  readonly failure?: TestFailure;
}

export interface TestStarted {
  readonly kind: 'started';
  readonly file: string;
  readonly path: readonly string[];
}

export interface TestOutput {
  readonly kind: 'output';
  readonly file?: string;
  readonly text: string;
}

export type TestEvent = TestResult | TestStarted | TestOutput;

interface RawLine {
  readonly event?: unknown;
  readonly name?: unknown;
  readonly nesting?: unknown;
  readonly file?: unknown;
  readonly line?: unknown;
  readonly suite?: unknown;
  readonly duration?: unknown;
  readonly reason?: unknown;
  readonly text?: unknown;
  readonly error?: { readonly message?: unknown; readonly stack?: unknown; readonly expected?: unknown; readonly actual?: unknown };
}

const STATUSES: readonly string[] = ['pass', 'fail', 'skip', 'todo'];

/** Feed it the report file's text as it grows; it returns the events of each complete new line. */
export class TestEventReader {
  private consumed = 0;
  /** Per file, the names of the tests started, by nesting level. */
  private readonly open = new Map<string, string[]>();
  /** Per file as node names it in output events, what the file wrote to stderr: the reason when it fails to load. */
  private readonly stderr = new Map<string, string>();

  /** `projectRoot`: the project's folder, to find the learner's own frame in a stack. */
  constructor(private readonly projectRoot: string) {}

  /** The events in `text` after what earlier calls read; a last line without its newline waits for the next call. */
  read(text: string): TestEvent[] {
    const end = text.lastIndexOf('\n');
    if (end < this.consumed) {
      return [];
    }
    const lines = text.slice(this.consumed, end).split('\n');
    this.consumed = end + 1;
    return lines.flatMap((line) => this.event(line));
  }

  private event(line: string): TestEvent[] {
    let raw: RawLine;
    try {
      raw = JSON.parse(line) as RawLine;
    } catch {
      return [];
    }
    if (typeof raw !== 'object' || raw === null) {
      return [];
    }
    if ((raw.event === 'stdout' || raw.event === 'stderr') && typeof raw.text === 'string') {
      if (raw.event === 'stderr' && typeof raw.file === 'string') {
        this.stderr.set(raw.file, ((this.stderr.get(raw.file) ?? '') + raw.text).slice(-4000));
      }
      return [{ kind: 'output', file: typeof raw.file === 'string' ? raw.file : undefined, text: raw.text }];
    }
    if (typeof raw.file !== 'string' || typeof raw.name !== 'string') {
      return [];
    }
    const nesting = typeof raw.nesting === 'number' ? raw.nesting : 0;
    const stack = this.open.get(raw.file) ?? [];
    this.open.set(raw.file, stack);
    if (raw.event === 'start') {
      stack.length = nesting;
      stack.push(raw.name);
      return [{ kind: 'started', file: raw.file, path: [...stack] }];
    }
    if (typeof raw.event !== 'string' || !STATUSES.includes(raw.event)) {
      return [];
    }
    // A file that failed to load is reported as a "test" named after the file itself (its path, or, in newer Node, as given on the command line).
    const name = raw.name;
    const fileItself = nesting === 0 && (name === raw.file || raw.file.endsWith(`/${name}`) || raw.file.endsWith(`\\${name}`));
    const path = fileItself ? [] : [...stack.slice(0, nesting), raw.name];
    return [
      {
        kind: 'result',
        file: raw.file,
        path,
        status: raw.event as TestStatus,
        suite: raw.suite === true,
        line: typeof raw.line === 'number' ? raw.line : undefined,
        durationMs: typeof raw.duration === 'number' ? raw.duration : undefined,
        reason: typeof raw.reason === 'string' ? raw.reason : undefined,
        failure: raw.event === 'fail' ? (fileItself ? this.fileFailure(raw, raw.file, name) : this.failure(raw, raw.file)) : undefined,
      },
    ];
  }

  private failure(raw: RawLine, testFile: string): TestFailure {
    const error = raw.error ?? {};
    const stack = typeof error.stack === 'string' ? error.stack : '';
    return {
      message: typeof error.message === 'string' ? error.message : l10n.t('the test failed'),
      ...(typeof error.expected === 'string' && typeof error.actual === 'string' ? { expected: error.expected, actual: error.actual } : {}),
      location: failureLocation(stack, testFile, this.projectRoot),
    };
  }

  /** Why a file failed as a whole: what it wrote to stderr (the uncaught error), else node's message. */
  private fileFailure(raw: RawLine, testFile: string, name: string): TestFailure {
    const stderr = (this.stderr.get(name) ?? this.stderr.get(testFile) ?? '').trim();
    const error = /^\w*Error\b.*$/m.exec(stderr);
    if (!stderr) {
      return this.failure(raw, testFile);
    }
    return { message: error ? stderr.slice(error.index) : stderr, location: failureLocation(stderr, testFile, this.projectRoot) };
  }
}

const FRAME = /^\s*at (?:.*? \()?((?:file:\/\/)?[^()]+?):(\d+):(\d+)\)?\s*$/;

/** The first stack frame in the test file; else the first in the project's own code (not node_modules). */
export function failureLocation(stack: string, testFile: string, projectRoot: string): SourceLocation | undefined {
  const frames = stack
    .split('\n')
    .map((line) => FRAME.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ file: toPath(match[1]), line: Number(match[2]), column: Number(match[3]) }))
    .filter((frame) => frame.file !== undefined) as SourceLocation[];
  const root = projectRoot.endsWith('/') || projectRoot.endsWith('\\') ? projectRoot : `${projectRoot}${projectRoot.includes('\\') ? '\\' : '/'}`;
  return frames.find((frame) => frame.file === testFile) ?? frames.find((frame) => frame.file.startsWith(root) && !/[\\/]node_modules[\\/]/.test(frame.file));
}

function toPath(location: string): string | undefined {
  if (location.startsWith('file://')) {
    try {
      return fileURLToPath(location);
    } catch {
      return undefined;
    }
  }
  return location.startsWith('/') || /^[A-Za-z]:\\/.test(location) ? location : undefined;
}
