// Milestone 1: a file as fixed-size chunks, one SHA-256 each, and a root hash over the list that
// names the file. Everything streams: no function here may hold more than one chunk of a file.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';

export const DEFAULT_CHUNK_SIZE = 64 * 1024;
/** Chunks must fit in one frame (framing.ts): 16 MiB at most. */
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;

export interface Manifest {
  /** A display name; not covered by the root, never used as a path. */
  readonly name: string;
  readonly size: number;
  readonly chunkSize: number;
  /** SHA-256 of each chunk, lowercase hex, in order. */
  readonly hashes: readonly string[];
  /** SHA-256 over size, chunkSize and hashes (README, "Manifest and root hash"). */
  readonly root: string;
}

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

export class ChunkMismatchError extends Error {
  readonly index: number;
  constructor(index: number, message: string) {
    super(message);
    this.name = 'ChunkMismatchError';
    this.index = index;
  }
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function chunkCount(size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize);
}

/** Where chunk `index` lies in the file: every chunk is chunkSize long but the last. */
export function chunkRange(manifest: Pick<Manifest, 'size' | 'chunkSize'>, index: number): { offset: number; length: number } {
  const offset = index * manifest.chunkSize;
  return { offset, length: Math.max(0, Math.min(manifest.chunkSize, manifest.size - offset)) };
}

/**
 * Cuts a stream of pieces of any size into chunks of exactly `chunkSize` bytes, the last one
 * shorter (none at all for an empty stream). A piece may hold several chunks or a sliver of one.
 *
 * Stream: yield each chunk as soon as it is complete, before asking the source for more than you
 * need. The test feeds a 64 MiB stream and checks how far ahead of your chunks you have read.
 * Copy what you keep: a source may reuse its buffer for the next piece.
 */
export async function* chunkStream(source: AsyncIterable<Uint8Array>, chunkSize: number): AsyncGenerator<Buffer> {
  throw new Error('TODO(milestone 1): cut the stream into fixed-size chunks in chunkStream (src/chunking.ts). Read first: "Naming".');
}

/**
 * The root hash: SHA-256 of the UTF-8 text `fsv1 <size> <chunkSize>\n` followed by each chunk
 * hash (lowercase hex) and `\n`. Two peers with the same bytes and chunk size get the same root:
 * the root is the file's name, and a manifest that hashes to it cannot be forged.
 */
export function computeRoot(size: number, chunkSize: number, hashes: readonly string[]): string {
  throw new Error('TODO(milestone 1): hash the manifest text into the root in computeRoot (src/chunking.ts). Read first: "Naming".');
}

/** The manifest of a stream: one SHA-256 per chunk of chunkStream, the total size and the root. */
export async function manifestFromStream(
  source: AsyncIterable<Uint8Array>,
  options: { chunkSize: number; name: string },
): Promise<Manifest> {
  throw new Error('TODO(milestone 1): build the manifest from chunkStream in manifestFromStream (src/chunking.ts). Read first: "Naming".');
}

/** The manifest of a file on disk, read as a stream. */
export function buildManifest(path: string, options: { chunkSize?: number; name?: string } = {}): Promise<Manifest> {
  return manifestFromStream(createReadStream(path, { highWaterMark: 64 * 1024 }), {
    chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
    name: options.name ?? basename(path),
  });
}

/**
 * Checks a manifest received from someone else and returns it typed. Throws ManifestError unless:
 * name is a string; size a non-negative integer; chunkSize an integer in 1..MAX_CHUNK_SIZE;
 * hashes a list of ceil(size / chunkSize) lowercase-hex SHA-256 digests; root the computeRoot of
 * all that; and root equal to `expectedRoot` when one is given (the root you asked for).
 */
export function checkManifest(value: unknown, expectedRoot?: string): Manifest {
  throw new Error('TODO(milestone 1): validate a received manifest in checkManifest (src/chunking.ts). Read first: "Naming".');
}

/** True when `data` is exactly chunk `index` of the manifest: the right length and hash. */
export function verifyChunk(manifest: Manifest, index: number, data: Uint8Array): boolean {
  throw new Error('TODO(milestone 1): check a chunk against its hash in verifyChunk (src/chunking.ts). Read first: "Naming".');
}

/** Reads chunk `index` of the file at `path`: that range only, never the whole file. */
export async function readChunk(path: string, manifest: Manifest, index: number): Promise<Buffer> {
  throw new Error('TODO(milestone 1): read one chunk of a file in readChunk (src/chunking.ts). Read first: "Naming".');
}

/**
 * Rebuilds the file at `out` from its chunks: asks `getChunk` for each index, verifies it, writes
 * it at its offset. A chunk that does not verify rejects with ChunkMismatchError and leaves no
 * file at `out` (write elsewhere, rename at the end).
 */
export async function assemble(manifest: Manifest, getChunk: (index: number) => Promise<Uint8Array>, out: string): Promise<void> {
  throw new Error('TODO(milestone 1): verify and write every chunk in assemble (src/chunking.ts). Read first: "Naming".');
}
