// Milestone 5: metrics in the Prometheus text exposition format (version 0.0.4). Counters only go
// up, gauges go both ways, histograms count observations into cumulative buckets; render() is
// what GET /metrics answers, and what a Prometheus server would scrape.

export type Labels = Readonly<Record<string, string>>;

/** A value per label set that only goes up; inc() with a negative amount throws. */
export class Counter {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  constructor(name: string, help: string, labelNames: readonly string[]) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }
  /** Adds `by` for this label set (exactly the label names given at creation, else throws). */
  inc(labels: Labels = {}, by = 1): void {
    throw new Error('TODO(milestone 5): count in Counter.inc (src/lib/metrics.ts). Read first: "Observability".');
  }
  /** The current value for this label set (0 if never incremented). */
  get(labels: Labels = {}): number {
    throw new Error('TODO(milestone 5): read a value in Counter.get (src/lib/metrics.ts). Read first: "Observability".');
  }
}

/** A value per label set that goes up and down. */
export class Gauge {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  constructor(name: string, help: string, labelNames: readonly string[]) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }
  set(labels: Labels, value: number): void {
    throw new Error('TODO(milestone 5): Gauge.set (src/lib/metrics.ts). Read first: "Observability".');
  }
  inc(labels: Labels = {}, by = 1): void {
    throw new Error('TODO(milestone 5): Gauge.inc (src/lib/metrics.ts). Read first: "Observability".');
  }
  dec(labels: Labels = {}, by = 1): void {
    throw new Error('TODO(milestone 5): Gauge.dec (src/lib/metrics.ts). Read first: "Observability".');
  }
  get(labels: Labels = {}): number {
    throw new Error('TODO(milestone 5): Gauge.get (src/lib/metrics.ts). Read first: "Observability".');
  }
}

/** Observations per label set, counted in cumulative buckets (upper bounds `le`), with their sum and count. */
export class Histogram {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly buckets: readonly number[];
  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
    this.buckets = [...buckets].sort((a, b) => a - b);
  }
  observe(labels: Labels, value: number): void {
    throw new Error('TODO(milestone 5): count an observation in Histogram.observe (src/lib/metrics.ts). Read first: "Observability".');
  }
}

/**
 * Holds metrics by name; counter(), gauge() and histogram() return the existing metric of that
 * name (same kind) or create it. Names must match [a-zA-Z_:][a-zA-Z0-9_:]*, label names
 * [a-zA-Z_][a-zA-Z0-9_]* (not `le`). render(): every metric as `# HELP`, `# TYPE` and its samples,
 * label values escaped (\\, \n, "), histogram buckets cumulative with `le="+Inf"` equal to
 * `_count`, then `_sum` and `_count`; the text ends with a newline.
 */
export class MetricsRegistry {
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    throw new Error('TODO(milestone 5): create or find a counter in MetricsRegistry.counter (src/lib/metrics.ts). Read first: "Observability".');
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    throw new Error('TODO(milestone 5): create or find a gauge in MetricsRegistry.gauge (src/lib/metrics.ts). Read first: "Observability".');
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): Histogram {
    throw new Error('TODO(milestone 5): create or find a histogram in MetricsRegistry.histogram (src/lib/metrics.ts). Read first: "Observability".');
  }

  render(): string {
    throw new Error('TODO(milestone 5): write the Prometheus text format in MetricsRegistry.render (src/lib/metrics.ts). Read first: "Observability".');
  }
}
