// Milestone 5: metrics in the Prometheus text exposition format (version 0.0.4). Counters only go
// up, gauges go both ways, histograms count observations into cumulative buckets; render() is
// what GET /metrics answers, and what a Prometheus server would scrape.

export type Labels = Readonly<Record<string, string>>;

interface Metric {
  render(): string;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  return value === Infinity ? '+Inf' : value === -Infinity ? '-Inf' : Number.isNaN(value) ? 'NaN' : String(value);
}

function labelText(names: readonly string[], labels: Labels, extra?: [string, string]): string {
  const pairs = names.map((name) => `${name}="${escapeLabel(labels[name] ?? '')}"`);
  if (extra) {
    pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  }
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
}

function checkLabels(metric: string, names: readonly string[], labels: Labels): void {
  const given = Object.keys(labels);
  if (given.length !== names.length || !names.every((name) => typeof labels[name] === 'string')) {
    throw new Error(`${metric} takes labels ${names.join(', ')}; got ${given.join(', ')}`);
  }
}

const keyOf = (names: readonly string[], labels: Labels): string => JSON.stringify(names.map((name) => labels[name]));

abstract class Simple implements Metric {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  protected readonly values = new Map<string, { labels: Labels; value: number }>();
  abstract readonly type: 'counter' | 'gauge';

  constructor(name: string, help: string, labelNames: readonly string[]) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }

  protected add(labels: Labels, delta: number, set = false): void {
    checkLabels(this.name, this.labelNames, labels);
    const key = keyOf(this.labelNames, labels);
    const entry = this.values.get(key) ?? { labels: { ...labels }, value: 0 };
    entry.value = set ? delta : entry.value + delta;
    this.values.set(key, entry);
  }

  get(labels: Labels = {}): number {
    return this.values.get(keyOf(this.labelNames, labels))?.value ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, value } of this.values.values()) {
      lines.push(`${this.name}${labelText(this.labelNames, labels)} ${formatNumber(value)}`);
    }
    return lines.join('\n');
  }
}

export class Counter extends Simple {
  readonly type = 'counter';
  inc(labels: Labels = {}, by = 1): void {
    if (by < 0) {
      throw new Error(`${this.name}: a counter only goes up`);
    }
    this.add(labels, by);
  }
}

export class Gauge extends Simple {
  readonly type = 'gauge';
  set(labels: Labels, value: number): void {
    this.add(labels, value, true);
  }
  inc(labels: Labels = {}, by = 1): void {
    this.add(labels, by);
  }
  dec(labels: Labels = {}, by = 1): void {
    this.add(labels, -by);
  }
}

export class Histogram implements Metric {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly buckets: readonly number[];
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();

  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
    this.buckets = [...buckets].sort((a, b) => a - b);
  }

  observe(labels: Labels, value: number): void {
    checkLabels(this.name, this.labelNames, labels);
    const key = keyOf(this.labelNames, labels);
    const series = this.#series.get(key) ?? { labels: { ...labels }, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.buckets.forEach((bound, i) => {
      if (value <= bound) {
        series.counts[i] = (series.counts[i] as number) + 1;
      }
    });
    series.sum += value;
    series.count++;
    this.#series.set(key, series);
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} histogram`];
    for (const { labels, counts, sum, count } of this.#series.values()) {
      this.buckets.forEach((bound, i) => {
        lines.push(`${this.name}_bucket${labelText(this.labelNames, labels, ['le', formatNumber(bound)])} ${counts[i]}`);
      });
      lines.push(`${this.name}_bucket${labelText(this.labelNames, labels, ['le', '+Inf'])} ${count}`);
      lines.push(`${this.name}_sum${labelText(this.labelNames, labels)} ${formatNumber(sum)}`);
      lines.push(`${this.name}_count${labelText(this.labelNames, labels)} ${count}`);
    }
    return lines.join('\n');
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Holds metrics by name; counter(), gauge() and histogram() return the existing metric of that
 * name (same kind) or create it. Names must match [a-zA-Z_:][a-zA-Z0-9_:]*, label names
 * [a-zA-Z_][a-zA-Z0-9_]* (not `le`). render(): every metric as `# HELP`, `# TYPE` and its samples,
 * label values escaped (\\, \n, "), histogram buckets cumulative with `le="+Inf"` equal to
 * `_count`, then `_sum` and `_count`; the text ends with a newline.
 */
export class MetricsRegistry {
  readonly #metrics = new Map<string, Counter | Gauge | Histogram>();

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.#get(name, labelNames, Counter, () => new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.#get(name, labelNames, Gauge, () => new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): Histogram {
    return this.#get(name, labelNames, Histogram, () => new Histogram(name, help, labelNames, buckets));
  }

  render(): string {
    return [...this.#metrics.values()].map((metric) => `${metric.render()}\n`).join('');
  }

  #get<T extends Counter | Gauge | Histogram>(name: string, labelNames: readonly string[], kind: abstract new (...args: never[]) => T, make: () => T): T {
    const existing = this.#metrics.get(name);
    if (existing) {
      if (!(existing instanceof kind)) {
        throw new Error(`metric ${name} already exists as another kind`);
      }
      return existing;
    }
    if (!NAME.test(name) || labelNames.some((label) => !LABEL.test(label) || label === 'le')) {
      throw new Error(`bad metric or label name: ${name} {${labelNames.join(', ')}}`);
    }
    const metric = make();
    this.#metrics.set(name, metric);
    return metric;
  }
}
