// Milestone 2: sharding with consistent hashing: two maps. A key belongs to one of a fixed number
// of shards (shardOf: hash mod shards, never changes); the ring places those shards on nodes
// (placeShards), so a node joining or leaving moves only the replicas it gains or loses. The ring
// is checked on its own first, with 20,000 seeded names standing for what it places (in the
// system, the shards' names; many names measure balance and movement precisely): balance with 100
// virtual nodes, about 1/N moved when a node joins, only its own when it leaves. Then the two maps
// of the system: keys spread evenly over shards, and shards placed on nodes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRandom, seedFromEnv } from '../harness/random.ts';
import { HashRing, placeShards, shardOf } from '../src/ring.ts';

const random = createRandom(seedFromEnv(), 'm2');
const KEYS = Array.from({ length: 20_000 }, (_, i) => `user:${random.int(0, 1e9)}:${i}`);
const NODES = Array.from({ length: 10 }, (_, i) => `node-${random.int(100, 999)}-${i}`);

function ringOf(nodes: readonly string[], vnodes = 100): HashRing {
  const ring = new HashRing(vnodes);
  for (const node of nodes) {
    ring.add(node);
  }
  return ring;
}

function loads(ring: HashRing): Map<string, number> {
  const counts = new Map(ring.nodes().map((node) => [node, 0]));
  for (const key of KEYS) {
    const owner = ring.ownerOf(key);
    counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  return counts;
}

test('the ring: with 100 virtual nodes per node, the largest share of names is at most 1.75 times the smallest', () => {
  const counts = [...loads(ringOf(NODES)).values()];
  assert.equal(counts.length, NODES.length, 'every node owns some keys');
  const ratio = Math.max(...counts) / Math.min(...counts);
  assert.ok(ratio <= 1.75, `largest/smallest = ${ratio.toFixed(2)} (loads ${counts.join(', ')}); with 100 well-hashed vnodes it stays near 1.3`);
});

test('the ring: adding an 11th node moves about 1/11 of the names it places, every one of them to the new node', () => {
  const before = ringOf(NODES);
  const after = ringOf([...NODES, 'newcomer']);
  let moved = 0;
  for (const key of KEYS) {
    const from = before.ownerOf(key);
    const to = after.ownerOf(key);
    if (from !== to) {
      moved++;
      assert.equal(to, 'newcomer', `${key} moved from ${from} to ${to}, not to the new node`);
    }
  }
  const share = moved / KEYS.length;
  assert.ok(share >= 0.5 / 11 && share <= 1.5 / 11, `${(share * 100).toFixed(1)}% of keys moved; about ${(100 / 11).toFixed(1)}% is right`);
});

test('the ring: removing a node moves only what it held, and the ring does not depend on the order nodes were added', () => {
  const full = ringOf(NODES);
  const gone = NODES[random.int(0, NODES.length - 1)] as string;
  const without = ringOf(NODES);
  without.remove(gone);
  assert.deepEqual(without.nodes(), [...NODES].filter((n) => n !== gone).sort());
  const shuffled = ringOf(random.shuffle(NODES));
  shuffled.add(NODES[0] as string); // adding twice changes nothing
  for (const key of KEYS.slice(0, 5000)) {
    const owner = full.ownerOf(key);
    if (owner !== gone) {
      assert.equal(without.ownerOf(key), owner, `${key} moved though its node ${owner} stayed`);
    }
    assert.equal(shuffled.ownerOf(key), owner, 'two rings of the same nodes must agree');
  }
});

test('the ring: a preference list holds distinct nodes, starts with the owner, and stops at the number of nodes', () => {
  const ring = ringOf(NODES.slice(0, 4));
  for (const key of KEYS.slice(0, 500)) {
    const list = ring.preferenceList(key, 3);
    assert.equal(list.length, 3);
    assert.equal(new Set(list).size, 3, `${key}: ${list.join(', ')} repeats a node`);
    assert.equal(list[0], ring.ownerOf(key));
  }
  assert.equal(ring.preferenceList('k', 9).length, 4, 'at most as many nodes as the ring has');
});

test('keys to shards: shardOf spreads keys evenly over a fixed number of shards, the same every time', () => {
  const counts = new Array<number>(8).fill(0);
  for (const key of KEYS) {
    const shard = shardOf(key, 8);
    assert.ok(Number.isInteger(shard) && shard >= 0 && shard < 8, `shardOf gave ${shard}`);
    counts[shard] = (counts[shard] as number) + 1;
  }
  assert.equal(shardOf(KEYS[0] as string, 8), shardOf(KEYS[0] as string, 8));
  assert.ok(Math.max(...counts) / Math.min(...counts) < 1.2, `shard loads ${counts.join(', ')}`);
});

test('shards to nodes: placeShards gives each shard distinct replicas, and a new node takes replicas only for itself', () => {
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
  const before = placeShards(nodes, 64, 3);
  const after = placeShards([...nodes, 'n6'], 64, 3);
  assert.equal(before.length, 64);
  let changed = 0;
  for (let shard = 0; shard < 64; shard++) {
    const was = before[shard] as string[];
    const is = after[shard] as string[];
    assert.equal(new Set(was).size, 3, `shard ${shard}: ${was.join(', ')}`);
    const gained = is.filter((n) => !was.includes(n));
    assert.ok(gained.every((n) => n === 'n6'), `shard ${shard} gained ${gained.join(', ')}, only n6 is new`);
    changed += gained.length;
  }
  // n6 should end up with about a sixth of the 192 replicas, 32; far more means needless moves.
  assert.ok(changed > 0 && changed <= 48, `${changed} replicas moved to n6; about 32 is right`);
  assert.deepEqual(placeShards([...nodes].reverse(), 64, 3), before, 'every node must compute the same placement');
});
