// A node:test reporter of our own (built to dist/nodeTestReporter.mjs and loaded by the learner's
// Node with --test-reporter): one JSON object a line per test started, passed, failed or skipped,
// and per line a test printed, so the Testing view can show each result as it arrives. Runs in
// the learner's Node, not in the extension host: no imports but node's own.
import { inspect } from 'node:util';

interface TestEventData {
  readonly name?: string;
  readonly nesting?: number;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly skip?: string | boolean;
  readonly todo?: string | boolean;
  readonly message?: string;
  readonly details?: { readonly duration_ms?: number; readonly type?: string; readonly error?: unknown };
}

interface TestEvent {
  readonly type: string;
  readonly data?: TestEventData;
}

/** Values shown in VS Code's diff view: strings as they are, anything else as node prints it. */
function shown(value: unknown): string {
  return typeof value === 'string' ? value : inspect(value, { depth: 6, sorted: true, breakLength: 60 });
}

function describeError(error: unknown): Record<string, unknown> | undefined {
  if (typeof error !== 'object' || error === null) {
    return error === undefined ? undefined : { message: shown(error) };
  }
  // node:test wraps what the test threw in ERR_TEST_FAILURE; the assertion is its cause.
  const wrapper = error as { cause?: unknown; failureType?: string; message?: string };
  const cause = (wrapper.cause ?? error) as { message?: unknown; stack?: unknown; expected?: unknown; actual?: unknown; operator?: unknown; code?: unknown };
  const isAssertion = cause.code === 'ERR_ASSERTION' && 'expected' in cause && 'actual' in cause;
  return {
    message: typeof cause.message === 'string' ? cause.message : shown(cause),
    stack: typeof cause.stack === 'string' ? cause.stack : undefined,
    failureType: wrapper.failureType,
    ...(isAssertion ? { expected: shown(cause.expected), actual: shown(cause.actual), operator: cause.operator } : {}),
  };
}

// node:test loads a custom reporter as the module's default export.
// eslint-disable-next-line no-restricted-syntax
export default async function* report(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  for await (const event of source) {
    const data = event.data ?? {};
    const where = { name: data.name, nesting: data.nesting, file: data.file, line: data.line, column: data.column };
    switch (event.type) {
      case 'test:start':
        yield JSON.stringify({ event: 'start', ...where }) + '\n';
        break;
      case 'test:pass':
      case 'test:fail': {
        const status = data.skip !== undefined && data.skip !== false ? 'skip' : data.todo !== undefined && data.todo !== false ? 'todo' : event.type.slice(5);
        const reason = typeof data.skip === 'string' ? data.skip : typeof data.todo === 'string' ? data.todo : undefined;
        yield (
          JSON.stringify({
            event: status,
            ...where,
            suite: data.details?.type === 'suite' || undefined,
            duration: data.details?.duration_ms,
            reason,
            error: event.type === 'test:fail' ? describeError(data.details?.error) : undefined,
          }) + '\n'
        );
        break;
      }
      case 'test:stdout':
      case 'test:stderr':
        yield JSON.stringify({ event: event.type.slice(5), file: data.file, text: data.message }) + '\n';
        break;
      default:
        break;
    }
  }
}
