// Milestone 1: 12-factor configuration. The same code runs on your laptop, in a container and in
// a Pod; only the environment differs. A bad environment must stop the process at start, with a
// message naming every variable at fault, not fail later in the middle of a request.
import type { VarSpec } from '../config.ts';

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
  throw new Error('TODO(milestone 1): parse and check the environment in loadConfig (src/lib/config.ts). Read first: "The application lifecycle and graceful shutdown", "Application configuration".');
}
