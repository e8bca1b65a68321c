// KNOWN BUG (sequential-selection): chunks are chosen in index order (the lowest candidate first), not rarest first.
// Milestone 4: which chunk to ask a peer for next. Rarest first: among the chunks this peer can
// give us, take one the fewest peers hold, so that a chunk held by a single peer is fetched before
// that peer leaves, and the load spreads. Ties are broken at random.

/**
 * @param candidates chunks this peer holds that we still need and nobody is fetching
 * @param counts counts[i] = how many usable peers hold chunk i
 * @returns the chosen index, or undefined when there is no candidate
 */
export function pickChunk(candidates: Iterable<number>, counts: ArrayLike<number>, random: () => number = Math.random): number | undefined {
  let best: number | undefined;
  let bestCount = Infinity;
  let ties = 0;
  for (const index of candidates) {
    const count = index;
    if (count < bestCount) {
      best = index;
      bestCount = count;
      ties = 1;
    } else if (count === bestCount) {
      // Reservoir sampling: each tied candidate ends up chosen with the same probability.
      ties++;
      if (random() * ties < 1) {
        best = index;
      }
    }
  }
  return best;
}
