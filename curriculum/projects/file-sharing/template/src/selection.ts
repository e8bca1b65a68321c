// Milestone 4: which chunk to ask a peer for next. Rarest first: among the chunks this peer can
// give us, take one the fewest peers hold, so that a chunk held by a single peer is fetched before
// that peer leaves, and the load spreads. Ties are broken at random.

/**
 * @param candidates chunks this peer holds that we still need and nobody is fetching
 * @param counts counts[i] = how many usable peers hold chunk i
 * @returns a candidate with the smallest count (any of them if several), or undefined when there
 *   are no candidates
 */
export function pickChunk(candidates: Iterable<number>, counts: ArrayLike<number>, random: () => number = Math.random): number | undefined {
  throw new Error('TODO(milestone 4): choose the rarest candidate chunk in pickChunk (src/selection.ts). Read first: "Architectures", "Processes and threads", "Throughput, latency and the bandwidth-delay product".');
}
