// Which of a milestone's hints a failing check shows: the first from the first failure, the
// second as well once the learner has failed it three times in a row.
import type { MilestoneHints } from '../scaffold/template';

/** From this many failed checks in a row, the second hint shows too. */
export const SECOND_HINT_AFTER = 3;

export interface HintsToShow {
  readonly texts: readonly string[];
  /** Topic ids whose lessons to offer. */
  readonly read: readonly string[];
}

export function hintsToShow(hints: MilestoneHints | undefined, failedInARow: number): HintsToShow | undefined {
  if (!hints || failedInARow < 1) {
    return undefined;
  }
  return { texts: failedInARow >= SECOND_HINT_AFTER ? [hints.first, hints.second] : [hints.first], read: hints.read ?? [] };
}

/** Failed checks in a row, counting this one: a failure after a failure adds one, anything else starts over. */
export function failuresInARow(previous: { readonly outcome: string; readonly failedInARow?: number } | undefined, failedNow: boolean): number {
  if (!failedNow) {
    return 0;
  }
  return previous?.outcome === 'failed' ? (previous.failedInARow ?? 1) + 1 : 1;
}
