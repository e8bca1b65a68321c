// Milestone 4: parallel download. Seeders run as processes, each behind a proxy that caps its
// upload rate, so that asking several peers at once matters. The proxies' shared log tells which
// peer served which chunk and whether several were busy at once, by order of events.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { Cluster, type ClusterPeer } from '../harness/cluster.ts';
import { formatRanges } from '../harness/files.ts';
import { chunkRequests, deliveries, maxPeersBusyAtOnce } from '../harness/observe.ts';
import { createRandom, seedFromEnv } from '../harness/random.ts';
import { Type, referenceManifest } from '../harness/wire.ts';
import { download } from '../src/download.ts';
import { pickChunk } from '../src/selection.ts';

const random = createRandom(seedFromEnv(), 'm4');
const CHUNK = 16 * 1024;
const RATE = 256 * 1024;
const GOSSIP = { intervalMs: 100, ttlMs: 1500 };
let cluster: Cluster;
let file: { path: string; content: Buffer; root: string; chunks: number };
let seeders: ClusterPeer[] = [];

before(async () => {
  cluster = await Cluster.create('m4', random);
  const { path, content } = await cluster.file('movie.bin', 32 * CHUNK + random.int(1, CHUNK - 1));
  const manifest = await referenceManifest(path, CHUNK);
  file = { path, content, root: manifest.root, chunks: manifest.hashes.length };
});

after(async () => {
  await cluster?.close();
});

/** Four full seeders, each capped at RATE, announcing to a tracker and gossiping. */
async function startSeeders(): Promise<ClusterPeer[]> {
  if (seeders.length === 0) {
    await cluster.startTracker(3000);
    const first = await cluster.startPeer({
      name: 'seed0',
      file: file.path,
      chunkSize: CHUNK,
      proxy: { rateBytesPerSec: RATE },
      gossip: { ...GOSSIP, seeds: [] },
    });
    const rest = await Promise.all(
      [1, 2, 3].map((i) =>
        cluster.startPeer({
          name: `seed${i}`,
          file: file.path,
          chunkSize: CHUNK,
          proxy: { rateBytesPerSec: RATE },
          gossip: { ...GOSSIP, seeds: [first.gossip!] },
        }),
      ),
    );
    seeders = [first, ...rest];
    await cluster.waitTracker(file.root, (listed) => listed.length === 4);
  }
  return seeders;
}

async function assertSameFile(out: string, expected: Buffer): Promise<void> {
  const got = await readFile(out);
  assert.equal(got.length, expected.length, 'the downloaded file has the wrong size');
  assert.ok(got.equals(expected), 'the downloaded file differs from the original');
}

test('pickChunk picks a candidate that the fewest peers hold', () => {
  const cases = random.fork('pick');
  for (let trial = 0; trial < 300; trial++) {
    const n = cases.int(1, 60);
    const counts = Array.from({ length: n }, () => cases.int(1, 6));
    const candidates = Array.from({ length: n }, (_, i) => i).filter(() => cases.next() < 0.5);
    const choice = pickChunk(candidates, counts, () => cases.next());
    if (candidates.length === 0) {
      assert.equal(choice, undefined, 'no candidate: undefined');
      continue;
    }
    assert.ok(choice !== undefined && candidates.includes(choice), `pickChunk returned ${choice}, not a candidate`);
    const rarest = Math.min(...candidates.map((i) => counts[i] as number));
    assert.equal(counts[choice], rarest, `chunk ${choice} is held by ${counts[choice]} peers, but a candidate is held by ${rarest}`);
  }
});

/**
 * Endgame mode is allowed: near the end a downloader may ask a second peer for a chunk still in
 * flight, so that one slow peer does not hold up the whole file. It stays bounded: at most this
 * many requests beyond one per chunk, and each chunk accepted (written) once.
 */
const MAX_DUPLICATE_REQUESTS = 8;

test('four seeders: the file arrives byte-identical, each chunk written once, from all four at once', { timeout: 60_000 }, async () => {
  const peers = await startSeeders();
  const mark = cluster.log.events.length;
  const out = cluster.path('four.bin');
  const verified: number[] = [];
  const report = await download({
    root: file.root,
    out,
    tracker: cluster.tracker!.address,
    requestTimeoutMs: 15_000,
    onEvent: (event) => {
      if (event.type === 'verified') {
        verified.push(event.index);
      }
    },
  });
  await assertSameFile(out, file.content);
  const events = cluster.log.events.slice(mark);
  const requested = chunkRequests(events).map((e) => e.index);
  assert.equal(new Set(requested).size, file.chunks, 'every chunk is requested');
  assert.ok(
    requested.length <= file.chunks + MAX_DUPLICATE_REQUESTS,
    `${requested.length} chunk requests for ${file.chunks} chunks: more than ${MAX_DUPLICATE_REQUESTS} asked twice (endgame asks again only for the last chunks in flight)`,
  );
  const twice = [...new Set(verified.filter((index, i) => verified.indexOf(index) !== i))];
  assert.deepEqual(twice, [], `chunks ${twice.join(', ')} were written more than once: accept the first copy that verifies, drop the others`);
  assert.equal(verified.length, file.chunks, `${verified.length} 'verified' events for ${file.chunks} chunks`);
  for (const peer of peers) {
    assert.ok(deliveries(events, peer.name).length >= 2, `${peer.name} served ${deliveries(events, peer.name).length} chunks: use every seeder`);
  }
  const busy = maxPeersBusyAtOnce(events);
  assert.ok(busy >= 3, `at most ${busy} seeders were busy at once: keep requests in flight on several peers`);
  assert.equal(report.chunks, file.chunks);
  assert.equal(report.size, file.content.length);
});

test('rarest first: the chunks only one peer holds are fetched before that peer leaves', { timeout: 60_000 }, async () => {
  if (!cluster.tracker) {
    await cluster.startTracker(3000);
  }
  const { path, content } = await cluster.file('rare.bin', 24 * CHUNK + random.int(1, CHUNK - 1));
  const manifest = await referenceManifest(path, CHUNK);
  const count = manifest.hashes.length;
  const upperHalf = Array.from({ length: count - Math.floor(count / 2) }, (_, i) => Math.floor(count / 2) + i);
  const rare = random.shuffle(upperHalf).slice(0, 6).sort((a, b) => a - b);
  const common = formatRanges(Array.from({ length: count }, (_, i) => i).filter((i) => !rare.includes(i)));
  const [holder, ...others] = await Promise.all([
    cluster.startPeer({ name: 'holder', file: path, chunkSize: CHUNK, proxy: { rateBytesPerSec: RATE } }),
    cluster.startPeer({ name: 'common1', file: path, chunkSize: CHUNK, only: common, proxy: { rateBytesPerSec: RATE } }),
    cluster.startPeer({ name: 'common2', file: path, chunkSize: CHUNK, only: common, proxy: { rateBytesPerSec: RATE } }),
  ]);
  await cluster.waitTracker(manifest.root, (listed) => listed.length === 3);
  void cluster.dieAfterChunks(holder as ClusterPeer, rare.length + 3);
  const mark = cluster.log.events.length;
  const out = cluster.path('rare-out.bin');
  await download({ root: manifest.root, out, tracker: cluster.tracker!.address, giveUpMs: 5000, rediscoverMs: 300 }).catch((error: Error) => {
    const served = deliveries(cluster.log.events.slice(mark), 'holder').map((e) => e.index);
    assert.fail(
      `${error.message}\nOnly "holder" had chunks ${rare.join(', ')}; it served ${served.join(', ')} and then left. ` +
        'Ask a peer first for the chunks the fewest peers hold.',
    );
  });
  await assertSameFile(out, content);
  const events = cluster.log.events.slice(mark);
  const fromHolder = new Set(deliveries(events, 'holder').map((e) => e.index));
  assert.ok(
    rare.every((i) => fromHolder.has(i)),
    `the rare chunks ${rare.join(', ')} should all come from "holder"`,
  );
  // Rarest first needs the whole picture: every peer's HAVE before the first choice.
  const firstChunkRequest = chunkRequests(events)[0]!;
  for (const peer of [holder as ClusterPeer, ...others]) {
    const asked = events.find((e) => e.proxy === peer.name && e.kind === 'request' && e.type === Type.GetHave);
    assert.ok(
      asked !== undefined && asked.seq < firstChunkRequest.seq,
      `${peer.name} was not asked GET_HAVE before the first chunk was chosen: ask every peer what it holds first`,
    );
  }
});

test('a chunk cut off mid-transfer is asked for again, and the file is still byte-identical', { timeout: 60_000 }, async () => {
  const peers = await startSeeders();
  const flaky = random.pick(peers);
  flaky.proxy!.resetAfterChunks(2);
  const mark = cluster.log.events.length;
  const out = cluster.path('cut.bin');
  await download({ root: file.root, out, tracker: cluster.tracker!.address, requestTimeoutMs: 15_000 });
  await assertSameFile(out, file.content);
  const events = cluster.log.events.slice(mark);
  const cut = events.find((e) => e.kind === 'chunk-cut');
  assert.ok(cut, `${flaky.name} was asked for fewer than 3 chunks, so nothing was cut: spread the requests`);
  const again = deliveries(events).filter((e) => e.index === cut.index && e.seq > cut.seq);
  assert.ok(again.length >= 1, `chunk ${cut.index} was cut off mid-transfer and never delivered again`);
});

test('gossip alone is enough: a download with no tracker, given one gossip seed', { timeout: 60_000 }, async () => {
  const peers = await startSeeders();
  const out = cluster.path('gossip.bin');
  await download({ root: file.root, out, gossipSeeds: [random.pick(peers).gossip!], rediscoverMs: 300 });
  await assertSameFile(out, file.content);
});

test('a peer that forges a self-consistent manifest of another file is not believed', { timeout: 60_000 }, async () => {
  if (!cluster.tracker) {
    await cluster.startTracker(3000);
  }
  const { path, content } = await cluster.file('forged.bin', 12 * CHUNK + random.int(1, CHUNK - 1));
  const manifest = await referenceManifest(path, CHUNK);
  // At first the forger is the only peer: whatever the downloader does, it gets the forged manifest.
  const forger = await cluster.startPeer({ name: 'forger', file: path, chunkSize: CHUNK, proxy: { forgeManifest: true } });
  await cluster.waitTracker(manifest.root, (listed) => listed.length === 1);
  const mark = cluster.log.events.length;
  const out = cluster.path('forged-out.bin');
  let settled = false;
  const outcome = download({ root: manifest.root, out, tracker: cluster.tracker!.address, rediscoverMs: 300, giveUpMs: 10_000 }).then(
    () => undefined,
    (error: Error) => error,
  );
  void outcome.finally(() => {
    settled = true;
  });
  const forged = (): boolean => cluster.log.events.slice(mark).some((e) => e.proxy === forger.name && e.kind === 'manifest-forged');
  const deadline = Date.now() + 20_000;
  while (!forged()) {
    assert.ok(!settled && Date.now() < deadline, 'the downloader never asked the only peer it could find for the manifest');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Only now does an honest peer join.
  await cluster.startPeer({ name: 'honest', file: path, chunkSize: CHUNK });
  const error = await outcome;
  assert.equal(
    error,
    undefined,
    `${error?.message}\n"forger" answered with the manifest of another file, consistent with itself (its root is the hash of its own ` +
      'hashes) but not the root you asked for: check the root of a manifest against the one you want, and ask another peer.',
  );
  await assertSameFile(out, content);
  assert.ok(
    cluster.log.events.slice(mark).some((e) => e.proxy === 'honest' && e.kind === 'request' && e.type === Type.GetManifest),
    'the manifest was never asked of the honest peer, yet the download finished: where did it come from?',
  );
});
