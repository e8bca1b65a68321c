// Milestone 3: replication. Three nodes, each shard on all three. Writes and reads under a small
// load must stay linearizable; a leader cut off from both backups must acknowledge nothing; and
// with one backup down writes go on, and the backup, back, catches up on what it missed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Cluster } from '../harness/cluster.ts';
import { History } from '../harness/history.ts';
import { keyOnShard, startLoad, verifyRun } from '../harness/load.ts';
import { createRandom, seedFromEnv } from '../harness/random.ts';
import { shardOf } from '../src/ring.ts';

const random = createRandom(seedFromEnv(), 'm3');
const SHARDS = 3;
let cluster: Cluster;

before(async () => {
  cluster = await Cluster.start({ name: 'm3', random, nodes: 3, shards: SHARDS, replicas: 3 });
});

after(async () => {
  await cluster?.close();
});

test('writes and reads through a three-node cluster are linearizable, and reads see acknowledged writes', async () => {
  const messages = cluster.nodeMessages();
  const run = startLoad(cluster, { clients: 4, keys: 6, operations: 60, maxMs: 10_000, random: random.fork('load') });
  await run.done;
  await verifyRun('m3 steady', cluster, run, messages);
});

test('a leader cut off from both backups acknowledges no write', async () => {
  const shard = random.int(0, SHARDS - 1);
  const leader = await cluster.leaderOf(shard);
  assert.ok(leader, `shard ${shard} has no leader`);
  const key = keyOnShard(shardOf, shard, SHARDS, 'alone');
  const history = new History();
  const messages = cluster.nodeMessages();
  const before = await cluster.client('before', history).put(key, 'before');
  assert.ok(before.ok, `the first put failed: ${!before.ok && before.error}${cluster.stderrs()}`);
  cluster.partition([leader]);
  const answer = await cluster.client('cutoff', history, { nodes: [leader], deadlineMs: 1000 }).put(key, 'while-alone');
  assert.ok(!answer.ok, `${leader} led shard ${shard} with no backup reachable, yet acknowledged put ${key}: a write must be durable on a majority first`);
  cluster.healAll();
  await cluster.waitForLeaders();
  await verifyRun('m3 cut-off leader', cluster, { history, keys: [key], done: Promise.resolve() }, messages);
});

test('with one backup down writes go on, and the backup catches up when it comes back', async () => {
  const shard = random.int(0, SHARDS - 1);
  const leader = await cluster.leaderOf(shard);
  assert.ok(leader, `shard ${shard} has no leader`);
  const [down, other] = random.shuffle(cluster.ids.filter((id) => id !== leader)) as [string, string];
  const history = new History();
  const messages = cluster.nodeMessages();
  const client = cluster.client('writer', history);
  const keys = Array.from({ length: 12 }, (_, i) => keyOnShard(shardOf, shard, SHARDS, `catchup${i}`));
  await cluster.kill(down);
  for (const key of keys) {
    const answer = await client.put(key, `${key}-1`);
    assert.ok(answer.ok, `put ${key} with ${down} down: ${!answer.ok && answer.error}${cluster.stderrs()}`);
  }
  await cluster.startNode(down);
  // Now the other backup goes: only the returning one can make a majority with the leader, so
  // these writes succeed only if it took the entries it missed.
  await cluster.kill(other);
  for (const key of keys.slice(0, 4)) {
    const answer = await client.put(key, `${key}-2`);
    assert.ok(answer.ok, `put ${key} with ${other} down and ${down} back: ${!answer.ok && answer.error}; did ${down} catch up?${cluster.stderrs()}`);
  }
  await cluster.startNode(other);
  await cluster.waitForLeaders();
  await verifyRun('m3 catch-up', cluster, { history, keys, done: Promise.resolve() }, messages);
});
