// Milestone 1: the state machine every replica runs. Commands come in log order; each is applied
// once, even when a client's retry puts the same operation in the log twice.

export type Command =
  | { readonly op: 'get'; readonly key: string; readonly client?: string; readonly seq?: number }
  | { readonly op: 'put'; readonly key: string; readonly value: string; readonly client?: string; readonly seq?: number }
  | { readonly op: 'delete'; readonly key: string; readonly client?: string; readonly seq?: number };

/** What a command returns: the key's value (after a put, the value written; after a delete, null). */
export interface Result {
  readonly value: string | null;
}

/** Milestone 7: everything a KvState holds, as plain JSON: the keys and, per client, its last operation and answer. */
export interface KvSnapshot {
  readonly data: Readonly<Record<string, string>>;
  readonly clients: Readonly<Record<string, { readonly seq: number; readonly result: Result }>>;
}

/**
 * Rules the tests check:
 * - put sets the key and returns the value written; delete removes it and returns null; get returns
 *   the value or null.
 * - A command carrying the `client` and `seq` of one already applied (a client's retry) changes
 *   nothing and returns the first answer again. Each client has one operation in flight at a time,
 *   so keeping the last seq (and its result) per client is enough.
 */
export class KvState {
  apply(command: Command): Result {
    throw new Error('TODO(milestone 1): apply put, get and delete, and each client operation only once (KvState.apply in src/kv.ts). Read first: "Storage engines and write-ahead logs".');
  }

  get(key: string): string | null {
    throw new Error('TODO(milestone 1): KvState.get (src/kv.ts). Read first: "Storage engines and write-ahead logs".');
  }

  /** Milestone 7: the whole state, the table of clients' last operations included (else a retry after a snapshot applies twice). */
  snapshot(): KvSnapshot {
    throw new Error('TODO(milestone 7): KvState.snapshot, the state and the table of clients as JSON (src/kv.ts). Read first: "Raft: elections, log replication and the commit rule", "Raft in a service: reads, retries and snapshots", "Storage engines and write-ahead logs".');
  }

  /** Milestone 7: a state equal to the one that made the snapshot. */
  static restore(snapshot: KvSnapshot): KvState {
    throw new Error('TODO(milestone 7): KvState.restore (src/kv.ts). Read first: "Raft: elections, log replication and the commit rule", "Raft in a service: reads, retries and snapshots", "Storage engines and write-ahead logs".');
  }
}
