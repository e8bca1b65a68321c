// A hybrid logical clock (Kulkarni et al., "Logical Physical Clocks and Consistent Snapshots in
// Globally Distributed Databases", 2014): wall time in milliseconds, a counter for events within
// the same millisecond or while the wall clock lags a stamp already seen, and the writer's id for
// ties. Stamps are fixed-width strings, so comparing two stamps is comparing two strings.

import * as l10n from '@vscode/l10n';
const WALL_DIGITS = 13;
const COUNTER_DIGITS = 6;
const MAX_COUNTER = 10 ** COUNTER_DIGITS - 1;
/** The greatest wall time a stamp can hold (in the year 2286). */
export const MAX_WALL = 10 ** WALL_DIGITS - 1;
/**
 * How far ahead of this machine's clock a stamp read from elsewhere (Settings Sync, a backup, the
 * workspace file, another window's journal) may be. Further ahead, it would outrank every change
 * the learner makes here for that long, so it is refused where it arrives. A day covers any clock
 * kept by NTP and any time zone mistake; docs/PROGRESS.md explains the choice.
 */
export const MAX_CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000;
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

/** The wall time a stamp carries, in milliseconds since the epoch; NaN for what is not a stamp. */
export function stampWall(stamp: string): number {
  return parseStamp(stamp)?.wall ?? Number.NaN;
}

/**
 * Whether a stamp from elsewhere is at most MAX_CLOCK_AHEAD_MS ahead of this machine's clock
 * (`now`, in milliseconds): the one bound every reader of records from elsewhere applies. What is
 * not a stamp is not within it.
 */
export function withinClockBound(stamp: string, now: number): boolean {
  return stampWall(stamp) <= now + MAX_CLOCK_AHEAD_MS;
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
      throw new Error(l10n.t('A clock\'s node id must be 1 to 40 letters, digits, "_" or "."; got {0}.', JSON.stringify(node)));
    }
  }

  /**
   * A stamp greater than every stamp this clock issued or observed, except at the very top of the
   * range, where it saturates: it never issues a stamp the codec would reject. Stamps from
   * elsewhere are bounded by MAX_CLOCK_AHEAD_MS before they are observed, so only a system clock
   * set to the year 2286 gets there.
   */
  tick(): string {
    const physical = Math.min(this.now(), MAX_WALL);
    if (physical > this.wall) {
      this.wall = physical;
      this.counter = 0;
    } else if (this.counter < MAX_COUNTER) {
      this.counter++;
    } else if (this.wall < MAX_WALL) {
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
