// KNOWN BUG (resume-from-scratch): chunks are written but never recorded, so a restarted download starts over.
// Milestone 6: a download that survives its own death. Chunks are written where they belong in
// `<out>.part`; a journal beside it lists, after each write, the chunks that are there and
// verified. On restart the journal says what to re-check, and every listed chunk is hashed again
// before it is trusted (the disk may have changed while we were away).
import { open, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { chunkRange, verifyChunk, type Manifest } from './chunking.ts';

/** Where a download in progress keeps its bytes: each chunk at index × chunkSize. */
export function partialPath(out: string): string {
  return `${out}.part`;
}

export function journalPath(out: string): string {
  return `${out}.part.journal`;
}

export interface PartialFile {
  /** Chunks on disk and verified: found at open, plus those written since. */
  readonly verified: ReadonlySet<number>;
  /** How many chunks were found verified when the file was opened. */
  readonly resumed: number;
  /** Writes a chunk the caller has verified, then records it; resolves once it is recorded. */
  writeChunk(index: number, data: Uint8Array): Promise<void>;
  /** Once every chunk is verified: moves `<out>.part` to `<out>` and removes the journal. */
  complete(): Promise<void>;
  close(): Promise<void>;
}

export async function openPartial(out: string, manifest: Manifest): Promise<PartialFile> {
  const verified = new Set<number>();
  const listed = await journaledChunks(out, manifest.root, manifest.hashes.length);
  let file: FileHandle;
  if (listed !== undefined) {
    file = await open(partialPath(out), 'r+').catch(() => open(partialPath(out), 'w+'));
    for (const index of listed) {
      const { offset, length } = chunkRange(manifest, index);
      const data = Buffer.alloc(length);
      const { bytesRead } = await file.read(data, 0, length, offset);
      if (bytesRead === length && verifyChunk(manifest, index, data)) {
        verified.add(index);
      }
    }
  } else {
    file = await open(partialPath(out), 'w+');
  }
  await file.truncate(manifest.size);
  // Rewrite the journal with what survived the check, so that it never lists a bad chunk.
  // Written aside and renamed: a crash here leaves the old journal or the new one, never half.
  await writeFile(`${journalPath(out)}.tmp`, `root ${manifest.root}\n${[...verified].map((i) => `${i}\n`).join('')}`);
  await rename(`${journalPath(out)}.tmp`, journalPath(out));
  const resumed = verified.size;
  let closed = false;

  return {
    verified,
    resumed,
    async writeChunk(index, data) {
      if (verified.has(index)) {
        return;
      }
      const { offset } = chunkRange(manifest, index);
      await file.write(data, 0, data.length, offset);
      verified.add(index);
    },
    async complete() {
      if (verified.size !== manifest.hashes.length) {
        throw new Error(`${manifest.hashes.length - verified.size} chunks are still missing`);
      }
      await file.close();
      closed = true;
      await rename(partialPath(out), out);
      await rm(journalPath(out), { force: true });
    },
    async close() {
      if (!closed) {
        closed = true;
        await file.close();
      }
    },
  };
}

/** The chunks the journal lists for `root`, or undefined when there is no journal for it. */
async function journaledChunks(out: string, root: string, count: number): Promise<number[] | undefined> {
  let text: string;
  try {
    text = await readFile(journalPath(out), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  if (lines[0] !== `root ${root}`) {
    return undefined;
  }
  // The last line may be cut short by a crash: only whole lines count.
  return lines
    .slice(1, -1)
    .filter((line) => /^\d+$/.test(line))
    .map(Number)
    .filter((index) => index < count);
}
