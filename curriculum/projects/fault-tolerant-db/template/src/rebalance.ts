// Milestone 6: online rebalancing, run from outside the cluster (a control plane). For the new
// list of nodes it computes where every shard should live and moves replicas one at a time
// through each shard's leader, while clients keep writing.
import type { Admin } from './protocol.ts';

export interface RebalanceOptions {
  readonly shards: number;
  readonly replicas: number;
  /** Give up (throw) after this long; default 20 s. */
  readonly deadlineMs?: number;
}

export interface RebalanceReport {
  /** Replicas added plus replicas removed. */
  readonly moves: number;
}

/**
 * Rules the tests check: when it resolves, every shard's members (as its leader reports them in
 * `status`) are placeShards(nodes, shards, replicas); a node no longer listed hosts no shard
 * (send it `drop-shard`); no acknowledged write is lost and clients are never refused for long.
 *
 * One safe way: per shard, ask the leader to `add-replica` one missing node, wait until the
 * leader's `status` shows it caught up (match >= commit), then `remove-replica` one extra node
 * and tell that node to `drop-shard`; repeat until the members are right. Leaders change under
 * you: find the leader again after every step, and retry refused steps.
 */
export async function rebalance(admin: Admin, nodes: readonly string[], options: RebalanceOptions): Promise<RebalanceReport> {
  throw new Error('TODO(milestone 6): move shard replicas to their new places one at a time (rebalance in src/rebalance.ts). Read first: "Partitioning (sharding)", "Moving shards online".');
}
