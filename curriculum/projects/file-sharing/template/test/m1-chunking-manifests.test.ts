// Milestone 1: chunking and manifests. Checked against the harness's own computation of hashes
// and roots (harness/wire.ts), on seeded files and streams.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { makeTempDir, removeTempDir, writeSeededFile } from '../harness/files.ts';
import { createRandom, seedFromEnv } from '../harness/random.ts';
import { referenceManifest, referenceRoot } from '../harness/wire.ts';
import {
  ChunkMismatchError,
  ManifestError,
  assemble,
  buildManifest,
  checkManifest,
  chunkStream,
  computeRoot,
  manifestFromStream,
  readChunk,
  verifyChunk,
  type Manifest,
} from '../src/chunking.ts';

const random = createRandom(seedFromEnv(), 'm1');
const CHUNK = 16 * 1024;
let dir = '';
let filePath = '';
let content: Buffer;

before(async () => {
  dir = await makeTempDir('m1');
  filePath = join(dir, 'data.bin');
  content = await writeSeededFile(filePath, 20 * CHUNK + random.int(1, CHUNK - 1), random.fork('file'));
});

after(async () => {
  await removeTempDir(dir);
});

/** Yields `data` in pieces of seeded sizes, sometimes empty, through one reused buffer. */
async function* reusedPieces(data: Buffer, maxPiece: number, seed: string): AsyncGenerator<Buffer> {
  const pieces = random.fork(seed);
  const scratch = Buffer.alloc(maxPiece);
  for (let offset = 0; offset < data.length; ) {
    const size = Math.min(pieces.int(0, maxPiece), data.length - offset);
    data.copy(scratch, 0, offset, offset + size);
    offset += size;
    yield scratch.subarray(0, size);
  }
}

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of source) {
    out.push(Buffer.from(chunk));
  }
  return out;
}

test('chunkStream cuts pieces of any size into fixed-size chunks, the last one shorter', async () => {
  for (let trial = 0; trial < 12; trial++) {
    const chunkSize = random.int(1, 3000);
    const multiple = trial % 4 === 0;
    const total = multiple ? chunkSize * random.int(1, 10) : random.int(0, 40_000);
    const data = random.bytes(total);
    const chunks = await collect(chunkStream(reusedPieces(data, random.int(1, 3 * chunkSize), `trial${trial}`), chunkSize));
    assert.equal(chunks.length, Math.ceil(total / chunkSize), `a ${total}-byte stream in ${chunkSize}-byte chunks`);
    chunks.forEach((chunk, i) => {
      const expected = i < chunks.length - 1 ? chunkSize : total - chunkSize * (chunks.length - 1);
      assert.equal(chunk.length, expected, `chunk ${i} of a ${total}-byte stream in ${chunkSize}-byte chunks has the wrong size`);
    });
    assert.ok(
      Buffer.concat(chunks).equals(data),
      'the chunks put end to end are not the stream (did you keep a piece the source then reused? copy it)',
    );
  }
});

test('chunkStream yields each chunk before reading far ahead of it (a 64 MiB stream)', async () => {
  const chunkSize = 64 * 1024;
  const maxPiece = 256 * 1024;
  const total = 64 * 1024 * 1024;
  const pool = random.bytes(1024 * 1024);
  let pulled = 0;
  async function* huge(): AsyncGenerator<Buffer> {
    const sizes = random.fork('huge');
    while (pulled < total) {
      const size = Math.min(sizes.int(1, maxPiece), total - pulled);
      const start = sizes.int(0, pool.length - size);
      pulled += size;
      yield pool.subarray(start, start + size);
    }
  }
  let received = 0;
  let count = 0;
  for await (const chunk of chunkStream(huge(), chunkSize)) {
    received += chunk.length;
    count++;
    assert.ok(
      pulled - received <= chunkSize + maxPiece,
      `after ${count} chunks (${received} bytes) the stream had been read to ${pulled} bytes: ` +
        'yield each chunk as soon as it is complete instead of reading the whole stream first',
    );
  }
  assert.equal(received, total);
  assert.equal(count, total / chunkSize);
});

test('computeRoot hashes "fsv1 <size> <chunkSize>\\n" then one chunk hash per line', () => {
  const empty = createHash('sha256').update('fsv1 0 65536\n').digest('hex');
  assert.equal(computeRoot(0, 65536, []), empty, 'the root of an empty file is SHA-256("fsv1 0 65536\\n")');
  for (let trial = 0; trial < 5; trial++) {
    const count = random.int(1, 20);
    const hashes = Array.from({ length: count }, () => random.bytes(32).toString('hex'));
    const chunkSize = random.int(1, 1 << 20);
    const size = (count - 1) * chunkSize + random.int(1, chunkSize);
    assert.equal(computeRoot(size, chunkSize, hashes), referenceRoot(size, chunkSize, hashes));
  }
});

test('buildManifest gives the size, one SHA-256 per chunk and the root of a file', async () => {
  const manifest = await buildManifest(filePath, { chunkSize: CHUNK });
  const expected = await referenceManifest(filePath, CHUNK);
  assert.equal(manifest.name, 'data.bin');
  assert.equal(manifest.size, content.length);
  assert.equal(manifest.chunkSize, CHUNK);
  assert.deepEqual([...manifest.hashes], expected.hashes);
  assert.equal(manifest.root, expected.root);
});

test('manifestFromStream of an empty stream has no chunks and the root of an empty file', async () => {
  async function* nothing(): AsyncGenerator<Buffer> {}
  const manifest = await manifestFromStream(nothing(), { chunkSize: CHUNK, name: 'empty' });
  assert.equal(manifest.size, 0);
  assert.deepEqual([...manifest.hashes], []);
  assert.equal(manifest.root, referenceRoot(0, CHUNK, []));
});

test('checkManifest accepts a genuine manifest, also when it is the root asked for', async () => {
  const genuine = JSON.parse(JSON.stringify(await buildManifest(filePath, { chunkSize: CHUNK }))) as Manifest;
  assert.deepEqual(checkManifest(genuine), genuine);
  assert.deepEqual(checkManifest(genuine, genuine.root), genuine);
});

test('checkManifest rejects a manifest that does not hash to its root, or to the root asked for', async () => {
  const genuine = await buildManifest(filePath, { chunkSize: CHUNK });
  checkManifest(genuine);
  const other = random.bytes(32).toString('hex');
  const flipped = [...genuine.hashes];
  flipped[3] = other;
  const fewer = genuine.hashes.slice(0, -1);
  const forgeries: [string, unknown, string?][] = [
    ['a chunk hash changed', { ...genuine, hashes: flipped }],
    ['the size changed', { ...genuine, size: genuine.size + 1 }],
    ['the chunk size changed', { ...genuine, chunkSize: CHUNK * 2 }],
    ['a hash missing, root recomputed', { ...genuine, hashes: fewer, root: referenceRoot(genuine.size, CHUNK, fewer) }],
    ['uppercase hashes', { ...genuine, hashes: genuine.hashes.map((h) => h.toUpperCase()) }],
    ['a negative size', { ...genuine, size: -1, hashes: [], root: referenceRoot(-1, CHUNK, []) }],
    ['a zero chunk size', { ...genuine, chunkSize: 0 }],
    ['no name', { ...genuine, name: undefined }],
    ['not an object', 'manifest'],
    ['another root than the one asked for', genuine, other],
  ];
  for (const [what, forged, expectedRoot] of forgeries) {
    assert.throws(() => checkManifest(forged, expectedRoot), ManifestError, `checkManifest accepted a manifest with ${what}`);
  }
});

test('verifyChunk accepts each chunk and rejects a flipped bit, a missing byte or another index', async () => {
  const manifest = await buildManifest(filePath, { chunkSize: CHUNK });
  const count = manifest.hashes.length;
  for (let i = 0; i < count; i++) {
    const chunk = content.subarray(i * CHUNK, Math.min(content.length, (i + 1) * CHUNK));
    assert.equal(verifyChunk(manifest, i, chunk), true, `chunk ${i} is genuine`);
  }
  const i = random.int(0, count - 2);
  const chunk = Buffer.from(content.subarray(i * CHUNK, (i + 1) * CHUNK));
  assert.equal(verifyChunk(manifest, i + 1, chunk), false, 'a genuine chunk under another index');
  assert.equal(verifyChunk(manifest, i, chunk.subarray(1)), false, 'a chunk missing its first byte');
  assert.equal(verifyChunk(manifest, count, chunk), false, 'an index past the end');
  const at = random.int(0, chunk.length - 1);
  chunk[at] = (chunk[at] as number) ^ (1 << random.int(0, 7));
  assert.equal(verifyChunk(manifest, i, chunk), false, 'a chunk with one bit flipped');
});

test('readChunk reads exactly one chunk, the last one short', async () => {
  const manifest = await buildManifest(filePath, { chunkSize: CHUNK });
  const last = manifest.hashes.length - 1;
  for (const i of [0, random.int(1, last - 1), last]) {
    const expected = content.subarray(i * CHUNK, Math.min(content.length, (i + 1) * CHUNK));
    assert.ok((await readChunk(filePath, manifest, i)).equals(expected), `chunk ${i}`);
  }
});

test('assemble rebuilds the file byte for byte, asking for each chunk once', async () => {
  const manifest = await buildManifest(filePath, { chunkSize: CHUNK });
  const out = join(dir, 'assembled.bin');
  const asked: number[] = [];
  await assemble(
    manifest,
    (index) => {
      asked.push(index);
      return readChunk(filePath, manifest, index);
    },
    out,
  );
  assert.deepEqual(
    [...asked].sort((a, b) => a - b),
    manifest.hashes.map((_, i) => i),
  );
  assert.ok((await readFile(out)).equals(content), 'the assembled file differs from the original');
});

test('assemble rejects a corrupted chunk with ChunkMismatchError and leaves no file behind', async () => {
  const manifest = await buildManifest(filePath, { chunkSize: CHUNK });
  const out = join(dir, 'corrupt.bin');
  const bad = random.int(0, manifest.hashes.length - 1);
  await assert.rejects(
    assemble(
      manifest,
      async (index) => {
        const chunk = Buffer.from(await readChunk(filePath, manifest, index));
        if (index === bad) {
          chunk[0] = (chunk[0] as number) ^ 0x40;
        }
        return chunk;
      },
      out,
    ),
    (error: unknown) => {
      if (!(error instanceof ChunkMismatchError)) {
        throw error;
      }
      assert.equal(error.index, bad, `chunk ${bad} was corrupted: the ChunkMismatchError names chunk ${error.index}`);
      return true;
    },
  );
  assert.equal(existsSync(out), false, 'a failed assembly left a file at the output path');
});
