// How many runs a property test makes. The full count by default (what `npm test` runs); a
// twentieth of it in quick mode, DS_ROADMAP_QUICK=1, which .mocharc.js turns on when mocha is
// given files to run; or what the test's own override variable says. A threshold on a count taken
// over the runs must scale with the runs (atLeastShare), or fewer runs would break it.

const QUICK_DIVISOR = 20;

/** True in quick mode: the edit loop's short runs, never `npm test`'s full ones. */
export const quick = process.env.DS_ROADMAP_QUICK === '1';

if (quick) {
  console.log(`  quick mode (DS_ROADMAP_QUICK=1): property tests make 1/${QUICK_DIVISOR} of their runs; DS_ROADMAP_QUICK=0 for the full counts`);
}

/** The runs to make: `full`, a twentieth of it in quick mode, or the number in the variable `override` when set. */
export function propertyRuns(full: number, override?: string): number {
  const given = override === undefined ? undefined : process.env[override];
  if (given) {
    return Number(given);
  }
  return quick ? Math.max(1, Math.ceil(full / QUICK_DIVISOR)) : full;
}

/** The least count that is `share` of `runs` (rounded up): `atLeastShare(0.2, 1000)` is 200. */
export function atLeastShare(share: number, runs: number): number {
  return Math.ceil(share * runs);
}
