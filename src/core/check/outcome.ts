// What a milestone check amounts to, from the test run's exit code and TAP report, and the
// command that runs it.
import * as l10n from '@vscode/l10n';
import type { CompiledTemplate } from '../scaffold/template';
import type { TapReport } from './tap';

export type CheckOutcome =
  | { readonly kind: 'passed'; readonly tests: number; readonly skipped: 0 }
  /**
   * Nothing failed, but some tests did not run (skipped or todo): a live run that needs a Docker
   * engine or a Kubernetes cluster this machine lacks, say. Never evidence of the milestone.
   */
  | { readonly kind: 'unverified'; readonly tests: number; readonly skipped: number; readonly reasons: readonly string[] }
  | { readonly kind: 'failed'; readonly tests: number; readonly failed: number; readonly failures: readonly string[] }
  | { readonly kind: 'crashed'; readonly reason: string };

export function judgeRun(exitCode: number | undefined, report: TapReport | undefined): CheckOutcome {
  const summary = report?.summary;
  if (!summary) {
    return {
      kind: 'crashed',
      reason:
        exitCode === undefined
          ? l10n.t('the test run was stopped before it finished')
          : l10n.t('the test run ended (exit code {0}) before node:test reported its results', exitCode),
    };
  }
  if (summary.tests === 0) {
    return { kind: 'crashed', reason: l10n.t("no test ran: check that the milestone's test files exist") };
  }
  const failed = summary.fail + summary.cancelled;
  if (failed > 0 || exitCode !== 0) {
    const failures = (report?.failures ?? []).map((failure) => (failure.error ? `${failure.path.join(' › ')}: ${failure.error}` : failure.path.join(' › ')));
    return { kind: 'failed', tests: summary.tests, failed: Math.max(failed, failures.length, 1), failures };
  }
  const skipped = summary.skipped + summary.todo;
  if (skipped > 0) {
    const reasons = (report?.notRun ?? []).map((test) => `${test.path.join(' › ')}: ${test.reason || l10n.t('skipped without a reason')}`);
    return {
      kind: 'unverified',
      tests: summary.tests,
      skipped,
      reasons: reasons.length > 0 ? reasons : [l10n.t('{0} tests did not run', skipped)],
    };
  }
  return { kind: 'passed', tests: summary.tests, skipped: 0 };
}

export interface CheckCommand {
  readonly command: 'node';
  readonly args: readonly string[];
  /** The milestones whose tests run: the checked one and every earlier one. */
  readonly milestones: readonly string[];
}

/** Our JSON-lines reporter (a module specifier Node can import) and the file it writes. */
export interface EventReport {
  readonly reporter: string;
  readonly file: string;
}

/**
 * `node --test` over the test files of milestones 1..k: spec output for the learner, TAP to a file
 * for the verdict, and, given `events`, each test's result as JSON lines for the Testing view.
 */
export function checkCommand(template: CompiledTemplate, milestoneId: string, tapFile: string, events?: EventReport): CheckCommand {
  const index = template.milestones.findIndex((milestone) => milestone.id === milestoneId);
  if (index < 0) {
    throw new Error(l10n.t('The template of {0} has no milestone "{1}".', template.project, milestoneId));
  }
  const included = template.milestones.slice(0, index + 1);
  return {
    command: 'node',
    args: [
      '--test',
      // One file at a time: milestone suites start clusters on loopback and must not compete.
      '--test-concurrency=1',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      ...eventArgs(events),
      ...included.flatMap((milestone) => milestone.tests),
    ],
    milestones: included.map((milestone) => milestone.id),
  };
}

/**
 * One test of one file, as "Run this test only" runs it: selected by its name (node matches the
 * pattern against each test's own name; its suites run to reach it). Never evidence of a milestone.
 */
export function singleTestCommand(
  testFile: string,
  path: readonly string[],
  tapFile: string,
  events?: EventReport,
): { readonly command: 'node'; readonly args: readonly string[] } {
  const name = path[path.length - 1];
  if (name === undefined) {
    throw new Error(l10n.t('A test to run alone needs a name.'));
  }
  return {
    command: 'node',
    args: [
      '--test',
      `--test-name-pattern=^${escapeRegExp(name)}$`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      ...eventArgs(events),
      testFile,
    ],
  };
}

function eventArgs(events: EventReport | undefined): string[] {
  return events ? [`--test-reporter=${events.reporter}`, `--test-reporter-destination=${events.file}`] : [];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compares dotted versions like "22.18.0" with "v20.20.2"; negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const parse = (version: string) =>
    version
      .replace(/^v/, '')
      .split('.')
      .map((part) => Number.parseInt(part, 10) || 0);
  const [left, right] = [parse(a), parse(b)];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) {
      return difference;
    }
  }
  return 0;
}
