// Milestones 3 to 7: one replica of one shard. The replicas of a shard keep the same log of
// commands: a leader (the primary) appends, the followers (backups) copy, and an entry counts
// (is committed, then applied and acknowledged) once a majority holds it durably. Terms fence off
// old leaders; elections replace a dead one; the member list itself is an entry of the log.
// Raft (Ongaro & Ousterhout, 2014) is one way to do it, with snapshots in milestone 7; the types
// below are a suggestion that fits it. The checks look at behaviour only, never at these messages.
import type { Disk } from './disk.ts';
import type { Command, KvSnapshot, Result } from './kv.ts';
import type { ShardStatus } from './protocol.ts';

export type EntryCommand = Command | { readonly op: 'noop' } | { readonly op: 'config'; readonly members: readonly string[] };

export interface Entry {
  /** Index in the log, from 1. */
  readonly i: number;
  /** Term of the leader that appended it. */
  readonly t: number;
  readonly c: EntryCommand;
}

export type PeerMessage =
  | { readonly type: 'append'; readonly shard: number; readonly term: number; readonly from: string; readonly prevIndex: number; readonly prevTerm: number; readonly entries: readonly Entry[]; readonly commit: number }
  | { readonly type: 'append-reply'; readonly shard: number; readonly term: number; readonly from: string; readonly success: boolean; readonly match: number; readonly next: number }
  | { readonly type: 'vote'; readonly shard: number; readonly term: number; readonly from: string; readonly lastIndex: number; readonly lastTerm: number; readonly pre?: boolean }
  | { readonly type: 'vote-reply'; readonly shard: number; readonly term: number; readonly from: string; readonly granted: boolean; readonly pre?: boolean }
  | { readonly type: 'snapshot'; readonly shard: number; readonly term: number; readonly from: string; readonly index: number; readonly lastTerm: number; readonly members: readonly string[]; readonly state: KvSnapshot };

export interface ReplicaEnv {
  readonly self: string;
  readonly shard: number;
  readonly disk: Disk;
  readonly heartbeatMs: number;
  /** A follower that hears no leader for electionMs to 2 × electionMs starts an election. */
  readonly electionMs: number;
  /** Milestone 7: take a snapshot once this many applied entries follow the last one (default 100). */
  readonly snapshotEvery?: number;
  send(to: string, message: PeerMessage): void;
  now(): number;
  random(): number;
}

/** Thrown by submit and changeMembers on a replica that is not the leader: nothing was appended. */
export class NotLeaderError extends Error {
  readonly leader: string | null;
  constructor(leader: string | null) {
    super(leader ? `not the leader; try ${leader}` : 'not the leader; leader unknown');
    this.leader = leader;
  }
}

/** The leader lost its term before the entry committed: it may still commit later, or never. */
export class UnavailableError extends Error {}

/**
 * One replica of one shard. The node creates it with the shard's initial members (from
 * placeShards), calls tick() every heartbeatMs, receive() for each peer message of this shard, and
 * submit() for each client request it routes here.
 *
 * Milestone 3: the first initial member leads; submit appends the command to the log (a Wal on
 * `shard-<s>.wal`), syncs, sends it to the others, and resolves once a majority of the members hold
 * it durably (the others sync before they answer); then the entry is committed and applied in log
 * order to a KvState on every replica. A replica that is behind gets the entries it misses.
 * Milestone 4: terms, heartbeats and elections: a follower that hears no leader for a while stands
 * for the next term; a majority of votes, given only to a candidate whose log is at least as
 * up to date, makes it leader. Term and vote are saved (Disk.replace, then sync) before answering.
 * A pre-vote round first (`pre: true`: "could I win?", changing nothing) keeps a replica that was
 * cut off from coming back with a high term that deposes a working leader.
 * Milestone 5: fencing: a message of an older term is refused and tells the sender the newer term;
 * a leader that learns of a newer term steps down at once.
 * Milestone 6: changeMembers: a new member list as an entry of the log, one node at a time.
 * Milestone 7: snapshots: once `snapshotEvery` applied entries follow the last snapshot, save the
 * state (KvState.snapshot(), the client table included), the index and term of the last entry it
 * covers and the members then; drop those entries from memory and from the disk. A restarted
 * replica starts from its snapshot, not from index 1. A follower that needs entries the leader has
 * dropped gets the snapshot instead (InstallSnapshot), and keeps the entries it has after it.
 */
export class Replica {
  constructor(env: ReplicaEnv, initialMembers: readonly string[]) {
    throw new Error('TODO(milestone 3): a replica of a shard that commits on a majority (Replica in src/replica.ts). Read first: "Replication", "Primary-backup and chain replication".');
  }

  get role(): 'leader' | 'follower' | 'candidate' {
    throw new Error('TODO(milestone 3): Replica.role (src/replica.ts). Read first: "Replication", "Primary-backup and chain replication".');
  }

  get leader(): string | null {
    throw new Error('TODO(milestone 3): Replica.leader (src/replica.ts). Read first: "Replication", "Primary-backup and chain replication".');
  }

  get members(): readonly string[] {
    throw new Error('TODO(milestone 3): Replica.members (src/replica.ts). Read first: "Replication", "Primary-backup and chain replication".');
  }

  /** What `status` reports for this shard. */
  status(): ShardStatus {
    throw new Error('TODO(milestone 3): Replica.status (src/replica.ts). Read first: "Replication", "Primary-backup and chain replication".');
  }

  /** On the leader: resolves with the command's result once committed and applied; else rejects with NotLeaderError. */
  submit(command: Command): Promise<Result> {
    throw new Error('TODO(milestone 3): Replica.submit (src/replica.ts). Read first: "Replication", "Primary-backup and chain replication".');
  }

  receive(message: PeerMessage): void {
    throw new Error('TODO(milestone 3): Replica.receive (src/replica.ts). Read first: "Replication", "Primary-backup and chain replication".');
  }

  /** Heartbeats on the leader; on a follower, an election once no leader was heard for a while. */
  tick(): void {
    throw new Error('TODO(milestone 4): heartbeats and elections (Replica.tick in src/replica.ts). Read first: "The trouble with distributed systems", "Replication", "Raft: elections, log replication and the commit rule".');
  }

  /** On the leader: the members become `members` (one node added or removed), through the log. */
  changeMembers(members: readonly string[]): Promise<void> {
    throw new Error('TODO(milestone 6): membership changes through the log (Replica.changeMembers in src/replica.ts). Read first: "Partitioning (sharding)", "Moving shards online".');
  }

  close(): void {
    throw new Error('TODO(milestone 3): Replica.close (src/replica.ts). Read first: "Replication", "Primary-backup and chain replication".');
  }
}
