// Times the phases of one operation (activation) on a monotonic clock, for one log line that
// `npm run bench` reads back: each phase's milliseconds and the total.

export class PhaseTimer {
  private readonly phases: [name: string, ms: number][] = [];
  private last: number;

  constructor(
    private readonly now: () => number,
    /** When the operation began; the first phase runs from here. */
    readonly start = now(),
  ) {
    this.last = start;
  }

  /** Ends the phase running since the previous mark (or the start) and names it. */
  mark(name: string): void {
    const at = this.now();
    this.phases.push([name, at - this.last]);
    this.last = at;
  }

  /** Milliseconds from the start to the last mark. */
  total(): number {
    return this.last - this.start;
  }

  /** "module load 1.2 ms, curriculum read 0.4 ms, …": the phases in order. */
  describe(): string {
    return this.phases.map(([name, ms]) => `${name} ${ms.toFixed(1)} ms`).join(', ');
  }
}
