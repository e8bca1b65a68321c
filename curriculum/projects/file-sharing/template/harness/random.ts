// Seeded randomness: every choice the tests and the harness make (the data, which process dies,
// what the network drops, delays or cuts) comes from ROADMAP_SEED, so a failing run can be
// replayed exactly. Every milestone test imports this module, so importing it also starts the
// record a failing run leaves in .runs/ (harness/runs.ts).
import './runs.ts';

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy. */
  shuffle<T>(items: readonly T[]): T[];
  bytes(length: number): Buffer;
  /** An independent stream for one purpose, so adding a draw elsewhere does not shift it. */
  fork(label: string): Random;
}

/** The seed of this run: ROADMAP_SEED when set, else 1. */
export function seedFromEnv(): number {
  const raw = process.env.ROADMAP_SEED;
  if (raw === undefined || raw.trim() === '') {
    return 1;
  }
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`ROADMAP_SEED must be an integer, got "${raw}".`);
  }
  return seed;
}

function hashLabel(seed: number, label: string): number {
  // FNV-1a over the seed and the label: cheap, stable, good enough to separate streams.
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function createRandom(seed: number, label = 'root'): Random {
  // mulberry32: a 32-bit state is plenty for test choices.
  let state = hashLabel(seed, label);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      if (items.length === 0) {
        throw new Error('pick from an empty list');
      }
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    shuffle: (items) => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j] as (typeof copy)[number], copy[i] as (typeof copy)[number]];
      }
      return copy;
    },
    bytes: (length) => {
      const out = Buffer.allocUnsafe(length);
      let i = 0;
      for (; i + 4 <= length; i += 4) {
        out.writeUInt32LE(Math.floor(next() * 4294967296), i);
      }
      for (; i < length; i++) {
        out[i] = Math.floor(next() * 256);
      }
      return out;
    },
    fork: (forkLabel) => createRandom(seed, `${label}/${forkLabel}`),
  };
  return random;
}
