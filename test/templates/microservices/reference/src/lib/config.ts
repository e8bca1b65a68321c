// Milestone 1: 12-factor configuration. The same code runs on your laptop, in a container and in
// a Pod; only the environment differs. A bad environment must stop the process at start, with a
// message naming every variable at fault, not fail later in the middle of a request.
import type { VarSpec } from '../config.ts';
import { LEVELS, type Level } from './log.ts';

/** Parsed values by variable name: numbers for `int`, string lists for `urls`, strings otherwise. */
export type ConfigValues = Readonly<Record<string, string | number | readonly string[] | undefined>>;

export class ConfigError extends Error {
  /** One line per variable at fault, each starting with its name. */
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`bad configuration:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

function parseUrl(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? raw.replace(/\/+$/, '') : undefined;
  } catch {
    return undefined;
  }
}

/** The parsed value, or a problem (a string starting with the variable's name). */
function parse(spec: VarSpec, raw: string): { value: string | number | readonly string[] } | { problem: string } {
  switch (spec.kind) {
    case 'int':
      return /^\d+$/.test(raw) && Number.isSafeInteger(Number(raw))
        ? { value: Number(raw) }
        : { problem: `${spec.name}: "${raw}" is not a whole number (${spec.description})` };
    case 'url': {
      const url = parseUrl(raw);
      return url ? { value: url } : { problem: `${spec.name}: "${raw}" is not an http(s) URL (${spec.description})` };
    }
    case 'urls': {
      const parts = raw.split(',').map((part) => part.trim());
      const parsed = parts.map(parseUrl);
      const bad = parts.filter((_, i) => parsed[i] === undefined);
      return bad.length === 0
        ? { value: parsed as string[] }
        : { problem: `${spec.name}: ${bad.map((b) => `"${b}"`).join(', ')} not an http(s) URL (${spec.description})` };
    }
    case 'level':
      return LEVELS.includes(raw as Level) ? { value: raw } : { problem: `${spec.name}: "${raw}" is not one of ${LEVELS.join(', ')}` };
    case 'string':
      return { value: raw };
  }
}

/**
 * Reads every variable of `spec` from `env`:
 * - unset or empty: its `default` (parsed like a set value); absent from the result when
 *   `optional` without default; a problem when required (no default, not optional);
 * - `int`: a whole number, at least 0 (`"8080"` → 8080; `"80a"`, `"1.5"`, `"-1"` are problems);
 * - `url`: an absolute http: or https: URL, kept as written without a trailing `/`;
 * - `urls`: one or more such URLs separated by commas (spaces around them ignored), as an array;
 * - `level`: one of debug, info, warn, error;
 * - `string`: as is.
 * Variables of `env` not in `spec` are ignored. Collects every problem and throws one ConfigError.
 */
export function loadConfig(spec: readonly VarSpec[], env: Readonly<Record<string, string | undefined>>): ConfigValues {
  const values: Record<string, string | number | readonly string[]> = {};
  const problems: string[] = [];
  for (const variable of spec) {
    const set = env[variable.name];
    const raw = set === undefined || set.trim() === '' ? variable.default : set.trim();
    if (raw === undefined) {
      if (!variable.optional) {
        problems.push(`${variable.name}: required (${variable.description})`);
      }
      continue;
    }
    const parsed = parse(variable, raw);
    if ('problem' in parsed) {
      problems.push(parsed.problem);
    } else {
      values[variable.name] = parsed.value;
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return values;
}
