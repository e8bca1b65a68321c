// Milestone 6: a download that survives its own death. Chunks are written where they belong in
// `<out>.part`; what is there and verified must be found again after a crash, and checked before
// it is trusted (the disk may have changed while we were away).
import type { Manifest } from './chunking.ts';

/** Where a download in progress keeps its bytes: each chunk at index × chunkSize. */
export function partialPath(out: string): string {
  return `${out}.part`;
}

export interface PartialFile {
  /** Chunks on disk and verified: found at open, plus those written since. */
  readonly verified: ReadonlySet<number>;
  /** How many chunks were found verified when the file was opened. */
  readonly resumed: number;
  /** Writes a chunk the caller has verified, then records it; resolves once it is recorded. */
  writeChunk(index: number, data: Uint8Array): Promise<void>;
  /** Once every chunk is verified: moves `<out>.part` to `<out>` and cleans up; rejects before. */
  complete(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens (or creates) the partial download of `manifest` at `<out>.part`.
 * - Fresh start: an empty `<out>.part`; nothing verified.
 * - Resume: the chunks recorded by an earlier run for the same root, each read back and checked
 *   with verifyChunk; a chunk that no longer matches is not verified (it will be fetched again).
 *   A partial file of another root is not trusted at all.
 * How you record (a journal next to it, a bitmap, re-hashing every chunk) is yours to choose; the
 * record must never claim a chunk whose bytes were not written first. A process killed with
 * SIGKILL loses nothing the kernel already has: no fsync needed for this milestone.
 */
export async function openPartial(out: string, manifest: Manifest): Promise<PartialFile> {
  throw new Error('TODO(milestone 6): find and re-check what an earlier run verified in openPartial (src/partial.ts). Read first: "Fault tolerance".');
}
