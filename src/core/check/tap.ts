// Reads node:test's TAP output (--test-reporter=tap): the summary counts and every failing test
// with its suite path and first error line, and every test that did not run (skipped or todo) with
// its reason.

export interface TapSummary {
  readonly tests: number;
  readonly pass: number;
  readonly fail: number;
  readonly cancelled: number;
  readonly skipped: number;
  readonly todo: number;
}

export interface TapFailure {
  /** Suite names and the test name, outermost first. */
  readonly path: readonly string[];
  readonly error?: string;
}

/** A test that did not run: `t.skip(reason)`, `{ skip }`, `t.todo(reason)` or `{ todo }`. */
export interface TapNotRun {
  readonly path: readonly string[];
  readonly directive: 'SKIP' | 'TODO';
  /** The reason the test gave; empty when it gave none. */
  readonly reason: string;
}

export interface TapReport {
  /** Undefined when the run ended before node:test printed its summary. */
  readonly summary?: TapSummary;
  readonly failures: readonly TapFailure[];
  readonly notRun: readonly TapNotRun[];
}

const RESULT = /^(\s*)(not ok|ok) \d+(?: - (.*?))?(?: # (SKIP|TODO)\b ?(.*))?$/;
const SUBTEST = /^(\s*)# Subtest: (.*)$/;
const COUNTER = /^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/;

export function parseTap(text: string): TapReport {
  const lines = text.split(/\r?\n/);
  const counters = new Map<string, number>();
  const failures: TapFailure[] = [];
  const notRun: TapNotRun[] = [];
  /** Open subtests by indentation, to name a failing test by its suites. */
  const stack: { indent: number; name: string }[] = [];

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const counter = COUNTER.exec(line);
    if (counter) {
      counters.set(counter[1], Number(counter[2]));
      continue;
    }
    const subtest = SUBTEST.exec(line);
    if (subtest) {
      const indent = subtest[1].length;
      while (stack.length > 0 && stack[stack.length - 1].indent >= indent) {
        stack.pop();
      }
      stack.push({ indent, name: unescapeName(subtest[2]) });
      continue;
    }
    const result = RESULT.exec(line);
    if (!result) {
      continue;
    }
    const indent = result[1].length;
    while (stack.length > 0 && stack[stack.length - 1].indent > indent) {
      stack.pop();
    }
    const name = unescapeName(result[3] ?? stack[stack.length - 1]?.name ?? '(unnamed)');
    const suites = stack.filter((entry) => entry.indent < indent).map((entry) => entry.name);
    if (stack.length > 0 && stack[stack.length - 1].indent === indent) {
      stack.pop();
    }
    const directive = result[4];
    if (directive === 'SKIP' || directive === 'TODO') {
      // node:test counts a todo test that fails as todo, not as a failure: it did not count.
      notRun.push({ path: [...suites, name], directive, reason: unescapeName(result[5] ?? '').trim() });
    } else if (result[2] === 'not ok') {
      const details = yamlBlock(lines, i + 1, indent);
      // A suite fails when a test inside it fails; report the tests, not their suites.
      if (details.type !== 'suite') {
        failures.push({ path: [...suites, name], error: details.error });
      }
    }
  }

  const summary = counters.has('tests')
    ? {
        tests: counters.get('tests') ?? 0,
        pass: counters.get('pass') ?? 0,
        fail: counters.get('fail') ?? 0,
        cancelled: counters.get('cancelled') ?? 0,
        skipped: counters.get('skipped') ?? 0,
        todo: counters.get('todo') ?? 0,
      }
    : undefined;
  return { summary, failures, notRun };
}

/** The `type` and first line of `error` from the YAML diagnostics block after a result line. */
function yamlBlock(lines: readonly string[], start: number, indent: number): { type?: string; error?: string } {
  if (lines[start]?.trim() !== '---') {
    return {};
  }
  const found: { type?: string; error?: string } = {};
  for (let i = start + 1; i < lines.length && lines[i].trim() !== '...'; i++) {
    const line = lines[i];
    if (line.length - line.trimStart().length !== indent + 2) {
      continue;
    }
    const field = /^\s*(type|error): ?(.*)$/.exec(line);
    if (!field) {
      continue;
    }
    let value = field[2].trim();
    if (value === '|-' || value === '|' || value === '>-' || value === '') {
      value = lines[i + 1]?.trim() ?? '';
    }
    found[field[1] as 'type' | 'error'] = value.replace(/^'(.*)'$/, '$1').replace(/''/g, "'");
  }
  return found;
}

function unescapeName(name: string): string {
  return name.replace(/\\#/g, '#').replace(/\\\\/g, '\\');
}
