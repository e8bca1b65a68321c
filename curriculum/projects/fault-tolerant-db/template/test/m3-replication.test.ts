// Milestone 3: replication. First in the simulator (harness/sim.ts): seeded schedules of one
// shard on three replicas, its first member leading, followers crashing and cut off while the
// network loses, duplicates and reorders messages; every replica must end with the leader's log
// and every history must be linearizable. Then the same as real processes over TCP: writes and
// reads under a small load must stay linearizable; a leader cut off from both backups must
// acknowledge nothing; and with one backup down writes go on, and the backup, back, catches up.
import assert from 'node:assert/strict';
import { after, test, type TestContext } from 'node:test';
import { Cluster } from '../harness/cluster.ts';
import { History } from '../harness/history.ts';
import { keyOnShard, startLoad, verifyRun } from '../harness/load.ts';
import { createRandom, seedFromEnv } from '../harness/random.ts';
import { makeSchedule, proofStopsHere, runSchedule, scheduleSeeds, simulate, skipRealRun, type Batch } from '../harness/schedules.ts';
import { shardOf } from '../src/ring.ts';

const random = createRandom(seedFromEnv(), 'm3');
const SHARDS = 3;
const SCHEDULES = 8;
let running: Cluster | undefined;
let simulationFailed = false;

/** The real cluster, started by the first test that needs it; undefined (test skipped) if the simulation failed. */
async function realCluster(t: TestContext): Promise<Cluster | undefined> {
  if (skipRealRun(t, simulationFailed)) {
    return undefined;
  }
  running ??= await Cluster.start({ name: 'm3', random, nodes: 3, shards: SHARDS, replicas: 3 });
  return running;
}

after(async () => {
  await running?.close();
});

let simulated: Batch | undefined;

/**
 * How long a write that must succeed may take: a bound, not a race. A healthy cluster answers in
 * milliseconds; the bound only stops a write that never succeeds, with a message saying which.
 */
const WRITE_BOUND_MS = 20_000;

/** Polls `check` every 20 ms until it holds; fails with `what` after a generous 30 s bound. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, what);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test(`${SCHEDULES} simulated schedules: followers crash and are cut off on a lossy, reordering network, and every replica ends with the leader's log`, { timeout: 120_000 }, async () => {
  simulated = await simulate('m3 simulation', 'replication', SCHEDULES);
  simulationFailed = simulated.failure !== undefined;
  assert.ok(!simulationFailed, simulated.failure);
});

test('a simulated schedule replays identically from its seed, a failing one included', { timeout: 60_000 }, async (t) => {
  if (proofStopsHere(t, simulationFailed)) {
    return;
  }
  const [seed, digest] = [...(simulated?.digests ?? [])][0] ?? [scheduleSeeds(1)[0] as number, undefined];
  const again = await runSchedule(makeSchedule('replication', seed));
  const first = digest ?? (await runSchedule(makeSchedule('replication', seed))).digest;
  assert.equal(again.digest, first, `schedule seed ${seed} ran differently the second time: does your Replica use Date.now(), Math.random() or a timer instead of its env?`);
  // Every disk erased at once: no replication survives that, so this schedule fails, and fails the same way twice.
  const [lost, lostAgain] = [await runSchedule(makeSchedule('catastrophe', seed)), await runSchedule(makeSchedule('catastrophe', seed))];
  assert.ok(lost.failure, 'every disk was erased, yet no acknowledged write was lost');
  assert.equal(lostAgain.digest, lost.digest, 'a failing schedule ran differently the second time');
  assert.equal(lostAgain.failure?.message, lost.failure.message);
});

test('writes and reads through a three-node cluster are linearizable, and reads see acknowledged writes', async (t) => {
  const cluster = await realCluster(t);
  if (!cluster) {
    return;
  }
  const messages = cluster.nodeMessages();
  const run = startLoad(cluster, { clients: 4, keys: 6, operations: 60, maxMs: 10_000, random: random.fork('load') });
  await run.done;
  await verifyRun('m3 steady', cluster, run, messages);
});

test('a leader cut off from both backups acknowledges no write', async (t) => {
  const cluster = await realCluster(t);
  if (!cluster) {
    return;
  }
  const shard = random.int(0, SHARDS - 1);
  const leader = await cluster.leaderOf(shard);
  assert.ok(leader, `shard ${shard} has no leader`);
  const key = keyOnShard(shardOf, shard, SHARDS, 'alone');
  const history = new History();
  const messages = cluster.nodeMessages();
  const before = await cluster.client('before', history, { deadlineMs: WRITE_BOUND_MS }).put(key, 'before');
  assert.ok(before.ok, `the first put failed: ${!before.ok && before.error}${cluster.stderrs()}`);
  cluster.partition([leader]);
  const answer = await cluster.client('cutoff', history, { nodes: [leader], deadlineMs: 1000 }).put(key, 'while-alone');
  assert.ok(!answer.ok, `${leader} led shard ${shard} with no backup reachable, yet acknowledged put ${key}: a write must be durable on a majority first`);
  cluster.healAll();
  await cluster.waitForLeaders();
  await verifyRun('m3 cut-off leader', cluster, { history, keys: [key], done: Promise.resolve() }, messages);
});

test('with one backup down writes go on, and the backup catches up when it comes back', async (t) => {
  const cluster = await realCluster(t);
  if (!cluster) {
    return;
  }
  const shard = random.int(0, SHARDS - 1);
  const leader = await cluster.leaderOf(shard);
  assert.ok(leader, `shard ${shard} has no leader`);
  const [down, other] = random.shuffle(cluster.ids.filter((id) => id !== leader)) as [string, string];
  const history = new History();
  const messages = cluster.nodeMessages();
  const client = cluster.client('writer', history, { deadlineMs: WRITE_BOUND_MS });
  const keys = Array.from({ length: 12 }, (_, i) => keyOnShard(shardOf, shard, SHARDS, `catchup${i}`));
  await cluster.kill(down);
  for (const key of keys) {
    const answer = await client.put(key, `${key}-1`);
    assert.ok(answer.ok, `put ${key} with ${down} down: ${!answer.ok && answer.error}${cluster.stderrs()}`);
  }
  await cluster.startNode(down);
  // The other backup goes only once the returning one holds the leader's whole log (its status
  // says so), not after some time: then only the returning one can make a majority with the
  // leader, and these writes succeed only if it took the entries it missed and takes new ones.
  const leaderLog = (await cluster.status(leader)).shards[String(shard)]?.lastIndex ?? 0;
  await until(
    `${down} came back but its log never reached the leader's index ${leaderLog} on shard ${shard}: when a follower's log does not match, step back and resend what it missed${cluster.stderrs()}`,
    async () => ((await cluster.status(down).catch(() => undefined))?.shards[String(shard)]?.lastIndex ?? 0) >= leaderLog,
  );
  await cluster.kill(other);
  for (const key of keys.slice(0, 4)) {
    const answer = await client.put(key, `${key}-2`);
    assert.ok(answer.ok, `put ${key} with ${other} down and ${down} back: ${!answer.ok && answer.error}; did ${down} catch up?${cluster.stderrs()}`);
  }
  await cluster.startNode(other);
  await cluster.waitForLeaders();
  await verifyRun('m3 catch-up', cluster, { history, keys, done: Promise.resolve() }, messages);
});
