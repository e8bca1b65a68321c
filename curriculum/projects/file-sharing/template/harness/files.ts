// Seeded files and temporary folders for tests and the bench: small, reproducible, always removed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Random } from './random.ts';

/** A fresh folder under the system's temp folder; remove it with removeTempDir. */
export function makeTempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `file-sharing-${label}-`));
}

export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** Writes `size` seeded bytes to `path`. A few repeated blocks make chunk hashes collide if
 * someone hashes the wrong range: every 4 KiB block starts with its own offset. */
export async function writeSeededFile(path: string, size: number, random: Random): Promise<Buffer> {
  const content = random.bytes(size);
  for (let offset = 0; offset + 8 <= size; offset += 4096) {
    content.writeUInt32BE(offset, offset);
  }
  await writeFile(path, content);
  return content;
}

/** Sorted indices as "0-3,7": the format of the peer's --only option. */
export function formatRanges(indices: Iterable<number>): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) {
      j++;
    }
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
