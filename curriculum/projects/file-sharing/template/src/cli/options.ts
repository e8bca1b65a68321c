// Small helpers shared by the command-line entry points: numbers, address lists, chunk ranges.

export function numberOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) {
    return fallback;
  }
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    throw new Error(`--${name} expects a non-negative number, got "${value}"`);
  }
  return parsed;
}

export function listOption(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

/** "0-3,7" → [0, 1, 2, 3, 7]. */
export function parseRanges(spec: string): number[] {
  const out: number[] = [];
  for (const part of listOption(spec)) {
    const [from, to] = part.split('-').map(Number);
    const end = to ?? from;
    if (from === undefined || end === undefined || !Number.isInteger(from) || !Number.isInteger(end) || end < from) {
      throw new Error(`"${part}" is not a chunk range like 3 or 0-7`);
    }
    for (let i = from; i <= end; i++) {
      out.push(i);
    }
  }
  return out;
}

/** Runs an entry point, printing a failure as one line (plus its stack) and exiting 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}
