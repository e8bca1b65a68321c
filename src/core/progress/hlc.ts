// A hybrid logical clock (Kulkarni et al., "Logical Physical Clocks and Consistent Snapshots in
// Globally Distributed Databases", 2014): wall time in milliseconds, a counter for events within
// the same millisecond or while the wall clock lags a stamp already seen, and the writer's id for
// ties. Stamps are fixed-width strings, so comparing two stamps is comparing two strings.

const WALL_DIGITS = 13;
const COUNTER_DIGITS = 6;
const MAX_COUNTER = 10 ** COUNTER_DIGITS - 1;
const STAMP = /^(\d{13})-(\d{6})-([A-Za-z0-9_.]{1,40})$/;

export interface StampParts {
  readonly wall: number;
  readonly counter: number;
  readonly node: string;
}

export function formatStamp({ wall, counter, node }: StampParts): string {
  return `${String(wall).padStart(WALL_DIGITS, '0')}-${String(counter).padStart(COUNTER_DIGITS, '0')}-${node}`;
}

export function parseStamp(stamp: string): StampParts | undefined {
  const match = STAMP.exec(stamp);
  return match ? { wall: Number(match[1]), counter: Number(match[2]), node: match[3] } : undefined;
}

export function isStamp(value: unknown): value is string {
  return typeof value === 'string' && STAMP.test(value);
}

/** A node id: letters, digits, `_` and `.`, at most 40 characters. */
export function isNodeId(value: string): boolean {
  return /^[A-Za-z0-9_.]{1,40}$/.test(value);
}

export class HybridClock {
  private wall = 0;
  private counter = 0;

  constructor(
    readonly node: string,
    private readonly now: () => number = Date.now,
  ) {
    if (!isNodeId(node)) {
      throw new Error(`A clock's node id must be 1 to 40 letters, digits, "_" or "."; got ${JSON.stringify(node)}.`);
    }
  }

  /** A stamp greater than every stamp this clock issued or observed. */
  tick(): string {
    const physical = this.now();
    if (physical > this.wall) {
      this.wall = physical;
      this.counter = 0;
    } else if (this.counter < MAX_COUNTER) {
      this.counter++;
    } else {
      // The counter is full: borrow the next millisecond rather than widen the stamp.
      this.wall++;
      this.counter = 0;
    }
    return formatStamp({ wall: this.wall, counter: this.counter, node: this.node });
  }

  /** Moves the clock past a stamp written elsewhere, so the next tick orders after it. */
  observe(stamp: string): void {
    const parts = parseStamp(stamp);
    if (!parts) {
      return;
    }
    if (parts.wall > this.wall || (parts.wall === this.wall && parts.counter > this.counter)) {
      this.wall = parts.wall;
      this.counter = parts.counter;
    }
  }
}
