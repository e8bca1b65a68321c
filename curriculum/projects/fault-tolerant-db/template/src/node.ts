// Milestones 1 and 3: a node's server. Alone (milestone 1), it serves every key from one WAL. In a
// cluster (milestone 3 on), it hosts replicas of some shards, routes each client request to the
// replica of the key's shard, and carries the replicas' messages to and from its peers.

export interface NodeOptions {
  readonly id: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly dataDir: string;
  /** Un-synced writes die with the process (src/disk.ts); the checks always turn this on. */
  readonly powerLoss?: boolean;
  /** Absent: a single node serving every key itself (milestone 1). */
  readonly cluster?: ClusterOptions;
}

export interface ClusterOptions {
  /** Every other node's id and the address to reach it at (in the checks, a harness proxy). */
  readonly peers: Readonly<Record<string, string>>;
  /** The nodes the cluster started with: shards are placed on them with placeShards. */
  readonly members: readonly string[];
  readonly shards: number;
  readonly replicas: number;
  readonly heartbeatMs: number;
  readonly electionMs: number;
  /** How long a leader waits for a request to commit before answering `unavailable`. */
  readonly requestTimeoutMs: number;
}

export interface RunningNode {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts the node's TCP server on 127.0.0.1 (src/protocol.ts: readLines, writeLine) and resolves
 * once it listens.
 *
 * Milestone 1, alone (no `cluster`): a Disk on dataDir (with `powerLoss`), a Wal of commands and a
 * KvState. put and delete: append to the WAL, sync, apply, answer `{"id":…,"ok":true,"value":…}`;
 * get: answer from the KvState. A line that is not JSON, or a request with a missing or wrong
 * field, gets `{"ok":false,"error":"bad-request"}` and the connection stays open. On start, replay
 * the WAL into the KvState.
 *
 * Milestone 3 on, in a cluster: host a Replica (src/replica.ts) of each shard that placeShards puts
 * on this node, send their messages through one PeerLink per peer, tell peer messages from client
 * requests (they are on the same port), route each client request to the replica of
 * shardOf(key): `not-here` if this node hosts no replica of it, `not-leader` (with the leader's id
 * if known) if the replica does not lead, `unavailable` if it did not commit within
 * requestTimeoutMs; and answer the admin requests of src/protocol.ts.
 */
export async function startNode(options: NodeOptions): Promise<RunningNode> {
  if (options.cluster) {
    throw new Error('TODO(milestone 3): host the replicas of your shards and route requests to them (startNode in src/node.ts). Read first: "Replication", "Primary-backup and chain replication".');
  }
  throw new Error('TODO(milestone 1): serve get, put and delete from a WAL-backed KvState (startNode in src/node.ts). Read first: "Storage engines and write-ahead logs".');
}
