// Milestone 6: resume. The partial file in this process first; then the downloader as a process,
// killed with SIGKILL twice and restarted, with a verified chunk damaged on disk while it was down.
// The proxies' log, split by the connections each run opened, shows what each run asked for.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { Cluster } from '../harness/cluster.ts';
import type { NodeProcess } from '../harness/processes.ts';
import { startDownloaderProcess } from '../harness/processes.ts';
import { chunkRequests } from '../harness/observe.ts';
import { createRandom, seedFromEnv } from '../harness/random.ts';
import { referenceManifest } from '../harness/wire.ts';
import type { Manifest } from '../src/chunking.ts';
import { openPartial, partialPath } from '../src/partial.ts';

const random = createRandom(seedFromEnv(), 'm6');
const CHUNK = 16 * 1024;
let cluster: Cluster;
let file: { path: string; content: Buffer; manifest: Manifest };

before(async () => {
  cluster = await Cluster.create('m6', random);
  const { path, content } = await cluster.file('big.bin', 47 * CHUNK + random.int(1, CHUNK - 1));
  file = { path, content, manifest: { name: 'big.bin', ...(await referenceManifest(path, CHUNK)) } };
});

after(async () => {
  await cluster?.close();
});

function chunkOf(index: number): Buffer {
  return file.content.subarray(index * CHUNK, Math.min(file.content.length, (index + 1) * CHUNK));
}

/** Flips one byte of chunk `index` inside `<out>.part`, as a disk (or a person) might. */
async function damage(out: string, index: number): Promise<void> {
  const handle = await open(partialPath(out), 'r+');
  try {
    const at = index * CHUNK + random.int(0, chunkOf(index).length - 1);
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, at);
    byte[0] = (byte[0] as number) ^ 0x10;
    await handle.write(byte, 0, 1, at);
  } finally {
    await handle.close();
  }
}

const sortedOf = (set: Iterable<number>): number[] => [...set].sort((a, b) => a - b);

test('openPartial starts empty, and a reopened partial file knows the chunks written before', async () => {
  const out = cluster.path('unit1.bin');
  const first = await openPartial(out, file.manifest);
  assert.deepEqual(sortedOf(first.verified), []);
  assert.equal(first.resumed, 0);
  const written = random.shuffle(file.manifest.hashes.map((_, i) => i)).slice(0, 5);
  for (const index of written) {
    await first.writeChunk(index, chunkOf(index));
  }
  assert.deepEqual(sortedOf(first.verified), sortedOf(written));
  await first.close();
  const again = await openPartial(out, file.manifest);
  assert.deepEqual(sortedOf(again.verified), sortedOf(written), 'the chunks written before the restart are verified again');
  assert.equal(again.resumed, written.length);
  await again.close();
});

test('a chunk damaged on disk is no longer trusted after reopening', async () => {
  const out = cluster.path('unit2.bin');
  const partial = await openPartial(out, file.manifest);
  for (const index of [0, 1, 2, 3]) {
    await partial.writeChunk(index, chunkOf(index));
  }
  await partial.close();
  await damage(out, 2);
  const again = await openPartial(out, file.manifest);
  assert.deepEqual(sortedOf(again.verified), [0, 1, 3], 'chunk 2 was damaged on disk: check each chunk again on resume');
  await again.close();
});

test("the partial download of another file is not trusted", async () => {
  const out = cluster.path('unit3.bin');
  const partial = await openPartial(out, file.manifest);
  await partial.writeChunk(0, chunkOf(0));
  await partial.close();
  const otherPath = (await cluster.file('other.bin', 3 * CHUNK)).path;
  const other: Manifest = { name: 'other.bin', ...(await referenceManifest(otherPath, CHUNK)) };
  const reopened = await openPartial(out, other);
  assert.deepEqual(sortedOf(reopened.verified), []);
  await reopened.close();
});

test('complete refuses while chunks are missing, then moves the whole file into place', async () => {
  const out = cluster.path('unit4.bin');
  const partial = await openPartial(out, file.manifest);
  const count = file.manifest.hashes.length;
  for (let i = 0; i < count - 1; i++) {
    await partial.writeChunk(i, chunkOf(i));
  }
  await assert.rejects(partial.complete(), 'one chunk is still missing');
  await partial.writeChunk(count - 1, chunkOf(count - 1));
  await partial.complete();
  assert.ok((await readFile(out)).equals(file.content));
  assert.equal(existsSync(partialPath(out)), false, '<out>.part is gone once complete');
});

interface Run {
  readonly process: NodeProcess;
  /** Each proxy's connection count when the run started: later connections are this run's. */
  readonly connectionsBefore: ReadonlyMap<string, number>;
}

function events(proc: NodeProcess): { type: string; index?: number; chunks?: number }[] {
  return proc.lines.filter((line) => line.startsWith('EVENT ')).map((line) => JSON.parse(line.slice(6)) as { type: string; index?: number });
}

function verifiedIn(proc: NodeProcess): number[] {
  return events(proc)
    .filter((e) => e.type === 'verified')
    .map((e) => e.index as number);
}

async function waitVerified(proc: NodeProcess, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (verifiedIn(proc).length < count) {
    if (!proc.running) {
      throw new Error(`the downloader exited after ${verifiedIn(proc).length} verified chunks:\n${proc.stderr}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`the downloader verified only ${verifiedIn(proc).length} chunks in 30 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('a downloader killed twice resumes where it was, and never asks again for a chunk it verified', { timeout: 90_000 }, async (t) => {
  const tracker = await cluster.startTracker(3000);
  const seeders = await Promise.all(
    [1, 2, 3].map((i) => cluster.startPeer({ name: `seed${i}`, file: file.path, chunkSize: CHUNK, proxy: { rateBytesPerSec: 96 * 1024 } })),
  );
  await cluster.waitTracker(file.manifest.root, (listed) => listed.length === 3);
  const count = file.manifest.hashes.length;
  const out = cluster.path('resumed.bin');
  const runs: Run[] = [];
  const start = (name: string): NodeProcess => {
    const proc = cluster.adopt(startDownloaderProcess(name, { root: file.manifest.root, out, tracker: tracker.address }));
    runs.push({ process: proc, connectionsBefore: new Map(seeders.map((s) => [s.name, s.proxy!.stats.connections])) });
    return proc;
  };

  const first = start('download-1');
  await waitVerified(first, Math.floor(count / 4));
  await first.kill();
  const damaged = random.pick(verifiedIn(first));
  await damage(out, damaged);

  const second = start('download-2');
  await waitVerified(second, Math.floor(count / 4));
  await second.kill();

  const third = start('download-3');
  const done = JSON.parse(await third.waitLine('DONE ', 60_000)) as { resumed: number };
  assert.ok((await readFile(out)).equals(file.content), 'the resumed download differs from the original');

  const verifiedBefore = new Set<number>();
  let damagedAskedAgain = false;
  runs.forEach((run, r) => {
    const asked = new Set<number>();
    for (const seeder of seeders) {
      const from = run.connectionsBefore.get(seeder.name) ?? 0;
      const to = runs[r + 1]?.connectionsBefore.get(seeder.name) ?? Infinity;
      for (const e of chunkRequests(cluster.log.events, seeder.name)) {
        if (e.conn > from && e.conn <= to) {
          asked.add(e.index as number);
        }
      }
    }
    const again = sortedOf([...asked].filter((index) => verifiedBefore.has(index)));
    assert.deepEqual(again, [], `run ${r + 1} asked again for chunks an earlier run had verified`);
    damagedAskedAgain ||= r > 0 && asked.has(damaged);
    for (const index of verifiedIn(run.process)) {
      verifiedBefore.add(index);
    }
    if (r === 0) {
      // Damaged while nobody ran: it must be fetched again, once.
      verifiedBefore.delete(damaged);
    }
  });
  assert.ok(damagedAskedAgain, `chunk ${damaged} was damaged on disk after run 1, and no later run fetched it again`);
  const resumedByThird = events(third).find((e) => e.type === 'resumed');
  t.diagnostic(
    `verified per run: ${runs.map((run) => verifiedIn(run.process).length).join(', ')}; damaged chunk ${damaged}; ` +
      `run 3 resumed ${resumedByThird?.chunks} chunks`,
  );
  assert.ok(done.resumed >= verifiedIn(first).length + verifiedIn(second).length - 1, 'run 3 resumed fewer chunks than runs 1 and 2 verified');
});
