// A bounded, seeded load: a few clients, each with one operation in flight, on a handful of keys
// (few keys, many operations on each: that is what makes a linearizability check bite). Every put
// writes a value nobody wrote before, so a read says exactly which write it saw. Stops after
// `operations` per client or `maxMs`, whichever comes first.
import type { ClientOptions, KvClient } from './client.ts';
import { assertConsistent } from './checks.ts';
import { computeFigures, formatFigures, History, type Figures } from './history.ts';
import type { Random } from './random.ts';

export interface LoadOptions {
  readonly clients: number;
  readonly keys: number;
  readonly operations: number;
  readonly maxMs: number;
  readonly random: Random;
  /** Share of gets and of deletes; the rest are puts. */
  readonly reads?: number;
  readonly deletes?: number;
  readonly clientOptions?: ClientOptions;
  /** Client names are label1, label2…; default "c". Give each load of one history its own. */
  readonly label?: string;
  /** Clients stop starting operations once this is aborted. */
  readonly signal?: AbortSignal;
}

/** What makes clients: a Cluster or a SingleNode. */
export interface Target {
  client(name: string, history?: History, options?: ClientOptions): KvClient;
  stderrs(): string;
}

export interface LoadRun {
  readonly history: History;
  /** Resolves when every client has finished. */
  readonly done: Promise<void>;
  readonly keys: readonly string[];
}

export function startLoad(cluster: Target, options: LoadOptions, history = new History()): LoadRun {
  const keys = Array.from({ length: options.keys }, (_, i) => `key-${i}`);
  const stopAt = Date.now() + options.maxMs;
  const done = Promise.all(
    Array.from({ length: options.clients }, async (_, c) => {
      const name = `${options.label ?? 'c'}${c + 1}`;
      const random = options.random.fork(name);
      const client = cluster.client(name, history, options.clientOptions);
      for (let i = 0; i < options.operations && Date.now() < stopAt && !options.signal?.aborted; i++) {
        const key = random.pick(keys);
        const dice = random.next();
        if (dice < (options.reads ?? 0.4)) {
          await client.get(key);
        } else if (dice < (options.reads ?? 0.4) + (options.deletes ?? 0.05)) {
          await client.delete(key);
        } else {
          await client.put(key, `${name}:${i}`);
        }
      }
      client.close();
    }),
  ).then(() => undefined);
  return { history, done, keys };
}

/** Waits until `count` operations of the run are acknowledged; throws if the load ends first. */
export async function whenAcknowledged(run: LoadRun, count: number): Promise<void> {
  const ended = run.done.then(() => {
    const ok = run.history.ops.filter((o) => o.outcome === 'ok').length;
    throw new Error(`the load ended with ${ok} operations acknowledged, short of ${count}: the cluster stopped serving`);
  });
  ended.catch(() => {});
  await Promise.race([run.history.acknowledged(count), ended]);
}

/** Reads every key once more, after the faults are over, through a fresh client with a long deadline. */
export async function finalValues(cluster: Target, run: LoadRun): Promise<Map<string, string | null>> {
  const reader = cluster.client('end', run.history, { deadlineMs: 10_000 });
  const values = new Map<string, string | null>();
  for (const key of run.keys) {
    const answer = await reader.get(key);
    if (!answer.ok) {
      throw new Error(`the final read of ${key} failed (${answer.error}): the cluster did not recover.${cluster.stderrs()}`);
    }
    values.set(key, answer.value);
  }
  reader.close();
  return values;
}

/** The run's figures, printed as one line (the test output keeps it) and returned. */
export function reportFigures(label: string, cluster: Target & { nodeMessages(): number; readonly crashes: readonly number[] }, run: LoadRun, messagesBefore: number): Figures {
  const figures = computeFigures(
    run.history.ops.filter((o) => o.client !== 'end'),
    cluster.nodeMessages() - messagesBefore,
    cluster.crashes,
  );
  console.log(formatFigures(label, figures));
  return figures;
}

/**
 * The end of every cluster run: print the figures, heal everything, read every key once more, and
 * check the whole history (no acknowledged write lost, no stale read, linearizable per key).
 */
export async function verifyRun(label: string, cluster: Target & { nodeMessages(): number; readonly crashes: readonly number[]; healAll(): void }, run: LoadRun, messagesBefore: number): Promise<Figures> {
  const figures = reportFigures(label, cluster, run, messagesBefore);
  cluster.healAll();
  const final = await finalValues(cluster, run);
  assertConsistent(run.history.ops, final);
  return figures;
}

/** The first key `prefix-<i>` that lands on the shard, by the cluster's own shardOf. */
export function keyOnShard(shardOf: (key: string, shards: number) => number, shard: number, shards: number, prefix = 'key'): string {
  for (let i = 0; ; i++) {
    if (shardOf(`${prefix}-${i}`, shards) === shard) {
      return `${prefix}-${i}`;
    }
  }
}
