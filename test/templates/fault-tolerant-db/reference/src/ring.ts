// Milestone 2: consistent hashing with virtual nodes, and the placement of shards on nodes.
// Keys map to a fixed number of shards (hash mod shards, never changes); shards map to nodes
// through the ring, so adding or removing a node moves only the shards it gains or loses.
import { createHash } from 'node:crypto';

/** A 32-bit position on the ring: the first four bytes of the MD5 of the text. */
export function ringPosition(text: string): number {
  return createHash('md5').update(text).digest().readUInt32BE(0);
}

export class HashRing {
  readonly vnodes: number;
  #points: { position: number; node: string }[] = [];
  #nodes = new Set<string>();

  constructor(vnodes = 100) {
    this.vnodes = vnodes;
  }

  add(node: string): void {
    if (this.#nodes.has(node)) {
      return;
    }
    this.#nodes.add(node);
    for (let i = 0; i < this.vnodes; i++) {
      this.#points.push({ position: ringPosition(`${node}#${i}`), node });
    }
    // Ties (two vnodes on one position) are broken by name so every process builds the same ring.
    this.#points.sort((a, b) => a.position - b.position || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  }

  remove(node: string): void {
    if (this.#nodes.delete(node)) {
      this.#points = this.#points.filter((point) => point.node !== node);
    }
  }

  nodes(): string[] {
    return [...this.#nodes].sort();
  }

  /** The node owning the key: the first vnode clockwise from the key's position. */
  ownerOf(key: string): string {
    const owner = this.preferenceList(key, 1)[0];
    if (owner === undefined) {
      throw new Error('the ring is empty');
    }
    return owner;
  }

  /** The first `count` distinct nodes clockwise from the key's position (fewer if the ring has fewer). */
  preferenceList(key: string, count: number): string[] {
    const found: string[] = [];
    if (this.#points.length === 0) {
      return found;
    }
    const position = ringPosition(key);
    let low = 0;
    let high = this.#points.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#points[middle] as { position: number }).position < position) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    for (let i = 0; i < this.#points.length && found.length < Math.min(count, this.#nodes.size); i++) {
      const node = (this.#points[(low + i) % this.#points.length] as { node: string }).node;
      if (!found.includes(node)) {
        found.push(node);
      }
    }
    return found;
  }
}

/** The shard of a key, in [0, shards). */
export function shardOf(key: string, shards: number): number {
  return ringPosition(key) % shards;
}

/** For each shard, its replicas: the preference list of `shard-<s>` on a ring of `nodes`. */
export function placeShards(nodes: readonly string[], shards: number, replicas: number, vnodes = 100): string[][] {
  const ring = new HashRing(vnodes);
  for (const node of nodes) {
    ring.add(node);
  }
  return Array.from({ length: shards }, (_, shard) => ring.preferenceList(`shard-${shard}`, replicas));
}
