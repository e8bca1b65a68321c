// Milestone 2: consistent hashing with virtual nodes, and the placement of shards on nodes.
// Keys map to a fixed number of shards (hash mod shards, never changes); shards map to nodes
// through the ring, so adding or removing a node moves only the shards it gains or loses.
import { createHash } from 'node:crypto';

/** Given: a 32-bit position on the ring, the first four bytes of the MD5 of the text. Every process computes the same. */
export function ringPosition(text: string): number {
  return createHash('md5').update(text).digest().readUInt32BE(0);
}

/**
 * Rules the tests check:
 * - add(node) puts `vnodes` points for the node on the ring (at ringPosition(`${node}#${i}`), say);
 *   remove(node) takes them away; adding a node twice changes nothing.
 * - ownerOf(key): the node of the first point clockwise from ringPosition(key), wrapping around.
 * - preferenceList(key, n): the first n distinct nodes clockwise (all of them if fewer); its
 *   first is ownerOf(key).
 * - With 100 vnodes, nodes' shares of keys stay within a bound of each other, and adding a node
 *   moves about 1/N of the keys, all of them to the new node.
 * - Two rings built from the same nodes, in any order, agree: every node process computes the same.
 */
export class HashRing {
  readonly vnodes: number;

  constructor(vnodes = 100) {
    this.vnodes = vnodes;
    throw new Error('TODO(milestone 2): a consistent-hash ring with virtual nodes (HashRing in src/ring.ts). Read first: "Partitioning (sharding)".');
  }

  add(node: string): void {
    throw new Error('TODO(milestone 2): HashRing.add (src/ring.ts). Read first: "Partitioning (sharding)".');
  }

  remove(node: string): void {
    throw new Error('TODO(milestone 2): HashRing.remove (src/ring.ts). Read first: "Partitioning (sharding)".');
  }

  /** The nodes on the ring, sorted. */
  nodes(): string[] {
    throw new Error('TODO(milestone 2): HashRing.nodes (src/ring.ts). Read first: "Partitioning (sharding)".');
  }

  ownerOf(key: string): string {
    throw new Error('TODO(milestone 2): HashRing.ownerOf (src/ring.ts). Read first: "Partitioning (sharding)".');
  }

  preferenceList(key: string, count: number): string[] {
    throw new Error('TODO(milestone 2): HashRing.preferenceList (src/ring.ts). Read first: "Partitioning (sharding)".');
  }
}

/** The shard of a key, in [0, shards): a hash of the key modulo the number of shards. */
export function shardOf(key: string, shards: number): number {
  throw new Error('TODO(milestone 2): shardOf (src/ring.ts). Read first: "Partitioning (sharding)".');
}

/** For each shard, its replicas: the preference list of `shard-<s>` on a ring of `nodes` (first: the preferred leader). */
export function placeShards(nodes: readonly string[], shards: number, replicas: number, vnodes = 100): string[][] {
  throw new Error('TODO(milestone 2): placeShards (src/ring.ts). Read first: "Partitioning (sharding)".');
}
