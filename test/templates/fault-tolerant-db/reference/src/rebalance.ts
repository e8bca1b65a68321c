// Milestone 6: online rebalancing, run from outside the cluster (a control plane). For the new
// list of nodes it computes where every shard should live (placeShards) and moves replicas one at
// a time through each shard's leader: add the new replica, let it catch up, then remove the old
// one and tell it to drop the shard. Clients keep writing all along.
import type { Admin, NodeStatus, ShardStatus } from './protocol.ts';
import { placeShards } from './ring.ts';

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

const POLL_MS = 25;

export async function rebalance(admin: Admin, nodes: readonly string[], options: RebalanceOptions): Promise<RebalanceReport> {
  const deadline = Date.now() + (options.deadlineMs ?? 20_000);
  const target = placeShards(nodes, options.shards, options.replicas);
  let moves = 0;
  for (let shard = 0; shard < options.shards; shard++) {
    const wanted = target[shard] ?? [];
    for (;;) {
      if (Date.now() > deadline) {
        throw new Error(`rebalance: shard ${shard} did not reach ${wanted.join(',')} in time`);
      }
      const found = await findLeader(admin, shard);
      if (!found) {
        await pause();
        continue;
      }
      const { leader, status } = found;
      const toAdd = wanted.filter((node) => !status.members.includes(node));
      const toRemove = status.members.filter((node) => !wanted.includes(node));
      if (toAdd.length === 0 && toRemove.length === 0) {
        break;
      }
      const [op, node] = toAdd.length > 0 ? (['add-replica', toAdd[0]] as const) : (['remove-replica', toRemove[0]] as const);
      const reply = await admin.request(leader, { op, shard, node: node as string }).catch(() => undefined);
      if (!reply?.ok) {
        await pause();
        continue;
      }
      moves++;
      if (op === 'add-replica') {
        await waitCaughtUp(admin, shard, node as string, deadline);
      } else {
        await admin.request(node as string, { op: 'drop-shard', shard }).catch(() => undefined);
      }
    }
  }
  return { moves };
}

/** The node that leads the shard in the highest term, with its view of the shard. */
async function findLeader(admin: Admin, shard: number): Promise<{ leader: string; status: ShardStatus } | undefined> {
  let best: { leader: string; status: ShardStatus } | undefined;
  for (const node of admin.nodes()) {
    const reply = await admin.request(node, { op: 'status' }).catch(() => undefined);
    const status = reply?.ok ? (reply.status as NodeStatus | undefined)?.shards[String(shard)] : undefined;
    if (status?.role === 'leader' && (!best || status.term > best.status.term)) {
      best = { leader: node, status };
    }
  }
  return best;
}

/** Waits until the leader knows the new replica holds everything committed so far. */
async function waitCaughtUp(admin: Admin, shard: number, node: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const found = await findLeader(admin, shard);
    if (found && (found.status.match?.[node] ?? 0) >= found.status.commit) {
      return;
    }
    await pause();
  }
}

function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, POLL_MS));
}
