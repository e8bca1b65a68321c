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

/** Everything a KvState holds, as plain JSON: the keys and, per client, its last operation and answer. */
export interface KvSnapshot {
  readonly data: Readonly<Record<string, string>>;
  readonly clients: Readonly<Record<string, { readonly seq: number; readonly result: Result }>>;
}

export class KvState {
  #data = new Map<string, string>();
  #lastByClient = new Map<string, { seq: number; result: Result }>();

  /**
   * Applies a command and returns its result. A command with the `client` and `seq` of one
   * already applied (a retry) changes nothing and returns the first result again. Each client
   * has at most one operation in flight, so the last seq per client is all there is to keep.
   */
  apply(command: Command): Result {
    const last = command.client === undefined ? undefined : this.#lastByClient.get(command.client);
    if (last && command.seq !== undefined && command.seq <= last.seq) {
      return last.result;
    }
    let result: Result;
    if (command.op === 'put') {
      this.#data.set(command.key, command.value);
      result = { value: command.value };
    } else if (command.op === 'delete') {
      this.#data.delete(command.key);
      result = { value: null };
    } else {
      result = { value: this.#data.get(command.key) ?? null };
    }
    if (command.client !== undefined && command.seq !== undefined) {
      this.#lastByClient.set(command.client, { seq: command.seq, result });
    }
    return result;
  }

  get(key: string): string | null {
    return this.#data.get(key) ?? null;
  }

  /** The whole state, the table of clients' last operations included: without it a retry after a snapshot would apply twice. */
  snapshot(): KvSnapshot {
    return { data: Object.fromEntries(this.#data), clients: Object.fromEntries(this.#lastByClient) };
  }

  /** A state equal to the one that made the snapshot. */
  static restore(snapshot: KvSnapshot): KvState {
    const kv = new KvState();
    kv.#data = new Map(Object.entries(snapshot.data));
    kv.#lastByClient = new Map(Object.entries(snapshot.clients));
    return kv;
  }
}
