// Milestone 1: a file as fixed-size chunks, one SHA-256 each, and a root hash over the list that
// names the file. Everything streams: no function here holds more than one chunk of a file.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
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

export async function* chunkStream(source: AsyncIterable<Uint8Array>, chunkSize: number): AsyncGenerator<Buffer> {
  if (!Number.isInteger(chunkSize) || chunkSize <= 0) {
    throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  }
  let pending: Buffer[] = [];
  let filled = 0;
  for await (const piece of source) {
    let offset = 0;
    while (offset < piece.length) {
      const take = Math.min(chunkSize - filled, piece.length - offset);
      // Copy: the source may reuse its buffers once we ask for the next piece.
      pending.push(Buffer.from(piece.subarray(offset, offset + take)));
      filled += take;
      offset += take;
      if (filled === chunkSize) {
        yield pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, chunkSize);
        pending = [];
        filled = 0;
      }
    }
  }
  if (filled > 0) {
    yield Buffer.concat(pending, filled);
  }
}

export function computeRoot(size: number, chunkSize: number, hashes: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(`fsv1 ${size} ${chunkSize}\n`);
  for (const h of hashes) {
    hash.update(`${h}\n`);
  }
  return hash.digest('hex');
}

export async function manifestFromStream(
  source: AsyncIterable<Uint8Array>,
  options: { chunkSize: number; name: string },
): Promise<Manifest> {
  const hashes: string[] = [];
  let size = 0;
  for await (const chunk of chunkStream(source, options.chunkSize)) {
    hashes.push(sha256Hex(chunk));
    size += chunk.length;
  }
  return { name: options.name, size, chunkSize: options.chunkSize, hashes, root: computeRoot(size, options.chunkSize, hashes) };
}

/** The manifest of a file on disk, read as a stream. */
export function buildManifest(path: string, options: { chunkSize?: number; name?: string } = {}): Promise<Manifest> {
  return manifestFromStream(createReadStream(path, { highWaterMark: 64 * 1024 }), {
    chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
    name: options.name ?? basename(path),
  });
}

const HEX64 = /^[0-9a-f]{64}$/;

export function checkManifest(value: unknown, expectedRoot?: string): Manifest {
  if (typeof value !== 'object' || value === null) {
    throw new ManifestError('a manifest is a JSON object');
  }
  const m = value as Record<string, unknown>;
  const { name, size, chunkSize, hashes, root } = m;
  if (typeof name !== 'string') {
    throw new ManifestError('name must be a string');
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new ManifestError('size must be a non-negative integer');
  }
  if (typeof chunkSize !== 'number' || !Number.isSafeInteger(chunkSize) || chunkSize <= 0 || chunkSize > MAX_CHUNK_SIZE) {
    throw new ManifestError(`chunkSize must be an integer in 1..${MAX_CHUNK_SIZE}`);
  }
  if (!Array.isArray(hashes) || !hashes.every((h) => typeof h === 'string' && HEX64.test(h))) {
    throw new ManifestError('hashes must be a list of SHA-256 hex digests');
  }
  if (hashes.length !== chunkCount(size, chunkSize)) {
    throw new ManifestError(`a ${size}-byte file in ${chunkSize}-byte chunks has ${chunkCount(size, chunkSize)} hashes, not ${hashes.length}`);
  }
  if (typeof root !== 'string' || !HEX64.test(root)) {
    throw new ManifestError('root must be a SHA-256 hex digest');
  }
  const computed = computeRoot(size, chunkSize, hashes as string[]);
  if (computed !== root) {
    throw new ManifestError(`the root does not match the manifest (computed ${computed.slice(0, 12)}…)`);
  }
  if (expectedRoot !== undefined && root !== expectedRoot) {
    throw new ManifestError(`this is the manifest of ${root.slice(0, 12)}…, not of ${expectedRoot.slice(0, 12)}…`);
  }
  return { name, size, chunkSize, hashes: [...(hashes as string[])], root };
}

export function verifyChunk(manifest: Manifest, index: number, data: Uint8Array): boolean {
  if (!Number.isInteger(index) || index < 0 || index >= manifest.hashes.length) {
    return false;
  }
  return data.length === chunkRange(manifest, index).length && sha256Hex(data) === manifest.hashes[index];
}

export async function readChunk(path: string, manifest: Manifest, index: number): Promise<Buffer> {
  if (!Number.isInteger(index) || index < 0 || index >= manifest.hashes.length) {
    throw new RangeError(`chunk ${index} does not exist (the file has ${manifest.hashes.length})`);
  }
  const { offset, length } = chunkRange(manifest, index);
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await file.read(buffer, read, length - read, offset + read);
      if (bytesRead === 0) {
        throw new Error(`${path} ends before chunk ${index}`);
      }
      read += bytesRead;
    }
    return buffer;
  } finally {
    await file.close();
  }
}

export async function assemble(manifest: Manifest, getChunk: (index: number) => Promise<Uint8Array>, out: string): Promise<void> {
  const temporary = `${out}.assembling`;
  const file = await open(temporary, 'w');
  let done = false;
  try {
    for (let index = 0; index < manifest.hashes.length; index++) {
      const data = await getChunk(index);
      if (!verifyChunk(manifest, index, data)) {
        throw new ChunkMismatchError(index, `chunk ${index} does not match its hash in the manifest`);
      }
      await file.write(data, 0, data.length, index * manifest.chunkSize);
    }
    done = true;
  } finally {
    await file.close();
    if (done) {
      await rename(temporary, out);
    } else {
      await rm(temporary, { force: true });
    }
  }
}
