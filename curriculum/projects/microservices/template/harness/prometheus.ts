// A strict reader of the Prometheus text exposition format (version 0.0.4), the harness's own:
// # HELP and # TYPE lines, samples `name{label="value",…} number`, escapes in label values, and
// the rules of histograms (cumulative buckets, a le="+Inf" bucket equal to _count). It throws on
// anything a Prometheus server would reject or misread, saying which line.

export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface PromFamily {
  readonly name: string;
  type: string;
  help: string;
  readonly samples: PromSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(text: string, where: string): number {
  if (text === '+Inf') {
    return Infinity;
  }
  if (text === '-Inf') {
    return -Infinity;
  }
  if (text === 'NaN') {
    return Number.NaN;
  }
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value)) {
    throw new Error(`${where}: "${text}" is not a number`);
  }
  return value;
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    const name = text.slice(i, eq).trim();
    if (eq < 0 || !LABEL_NAME.test(name) || text[eq + 1] !== '"') {
      throw new Error(`${where}: bad label near "${text.slice(i)}"`);
    }
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const escaped = text[++j];
        value += escaped === 'n' ? '\n' : escaped === '\\' ? '\\' : escaped === '"' ? '"' : `\\${escaped}`;
        if (escaped !== 'n' && escaped !== '\\' && escaped !== '"') {
          throw new Error(`${where}: bad escape \\${escaped} in a label value`);
        }
      } else if (text[j] === '\n') {
        throw new Error(`${where}: raw newline in a label value`);
      } else {
        value += text[j];
      }
    }
    if (j >= text.length) {
      throw new Error(`${where}: unterminated label value`);
    }
    if (name in labels) {
      throw new Error(`${where}: label ${name} twice`);
    }
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') {
      i++;
    } else if (i < text.length) {
      throw new Error(`${where}: expected "," after label ${name}`);
    }
  }
  return labels;
}

/** The family a sample belongs to: histogram samples end with _bucket, _sum or _count. */
function familyOf(sample: string, families: Map<string, PromFamily>): PromFamily | undefined {
  for (const suffix of ['', '_bucket', '_sum', '_count', '_total']) {
    if (sample.endsWith(suffix)) {
      const family = families.get(sample.slice(0, sample.length - suffix.length));
      if (family && (suffix === '' || family.type === 'histogram' || family.type === 'summary')) {
        return family;
      }
    }
  }
  return families.get(sample);
}

function checkHistogram(family: PromFamily): void {
  const series = new Map<string, PromSample[]>();
  for (const sample of family.samples) {
    const { le: _le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    series.set(key, [...(series.get(key) ?? []), sample]);
  }
  for (const [key, samples] of series) {
    const buckets = samples.filter((s) => s.name === `${family.name}_bucket`);
    const count = samples.find((s) => s.name === `${family.name}_count`);
    const sum = samples.find((s) => s.name === `${family.name}_sum`);
    if (!count || !sum || buckets.length === 0) {
      throw new Error(`histogram ${family.name} ${key}: needs _bucket, _sum and _count samples`);
    }
    let previous = -Infinity;
    let previousCount = 0;
    for (const bucket of buckets) {
      if (bucket.labels.le === undefined) {
        throw new Error(`histogram ${family.name}: a bucket without le`);
      }
      const le = parseValue(bucket.labels.le, `${family.name}_bucket le`);
      if (le <= previous || bucket.value < previousCount) {
        throw new Error(`histogram ${family.name} ${key}: buckets must be in increasing le order and cumulative`);
      }
      previous = le;
      previousCount = bucket.value;
    }
    if (previous !== Infinity || previousCount !== count.value) {
      throw new Error(`histogram ${family.name} ${key}: the last bucket must be le="+Inf" and equal _count`);
    }
  }
}

/** Every family of the text, by name. Throws on any format error. */
export function parsePrometheus(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const lines = text.split('\n');
  if (text.length > 0 && !text.endsWith('\n')) {
    throw new Error('the text must end with a newline');
  }
  lines.forEach((line, n) => {
    const where = `line ${n + 1} "${line}"`;
    if (line.trim() === '') {
      return;
    }
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!match) {
        return; // a comment
      }
      const [, kind, name, rest] = match as unknown as [string, string, string, string];
      if (!METRIC_NAME.test(name)) {
        throw new Error(`${where}: bad metric name`);
      }
      const family = families.get(name) ?? { name, type: 'untyped', help: '', samples: [] };
      families.set(name, family);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest) || family.samples.length > 0) {
          throw new Error(`${where}: TYPE must be one of ${[...TYPES].join(', ')}, before the samples`);
        }
        family.type = rest;
      } else {
        family.help = rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      }
      return;
    }
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?$/.exec(line);
    if (!match) {
      throw new Error(`${where}: not a sample`);
    }
    const [, name, labelText, valueText] = match as unknown as [string, string, string | undefined, string];
    const labels = parseLabels(labelText ?? '', where);
    const value = parseValue(valueText, where);
    let family = familyOf(name, families);
    if (!family) {
      family = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, family);
    }
    if (family.type === 'counter' && (value < 0 || Number.isNaN(value))) {
      throw new Error(`${where}: a counter cannot be negative`);
    }
    family.samples.push({ name, labels, value });
  });
  for (const family of families.values()) {
    if (family.type === 'histogram') {
      checkHistogram(family);
    }
  }
  return families;
}

/** The sum of the samples named `name` whose labels include `labels`. */
export function sumOf(families: Map<string, PromFamily>, name: string, labels: Readonly<Record<string, string>> = {}): number {
  let total = 0;
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) {
        total += sample.value;
      }
    }
  }
  return total;
}
