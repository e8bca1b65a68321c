// Milestone 5: churn and lies. Seeders die in the middle of a chunk, a new one joins, one peer's
// proxy corrupts every chunk it serves, a link stalls. Whenever every chunk exists on some honest
// live peer, the file must arrive byte-identical, and only the liar may be banned. And downloaders
// serve what they verified: two of them, cut off from each other until their seeders are gone,
// must finish from each other.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { Cluster, type ClusterPeer } from '../harness/cluster.ts';
import { formatRanges } from '../harness/files.ts';
import { chunkRequests, deliveries } from '../harness/observe.ts';
import { createRandom, seedFromEnv } from '../harness/random.ts';
import { RawClient, Type, getChunkFrame, referenceManifest, rootFrame } from '../harness/wire.ts';
import type { Manifest } from '../src/chunking.ts';
import { DownloadError, download, type DownloadReport } from '../src/download.ts';
import { PeerBook } from '../src/peerbook.ts';
import { startSeeding } from '../src/seeding.ts';

const random = createRandom(seedFromEnv(), 'm5');
const CHUNK = 16 * 1024;
let cluster: Cluster;

before(async () => {
  cluster = await Cluster.create('m5', random);
});

after(async () => {
  await cluster?.close();
});

async function tracker(): Promise<string> {
  return (cluster.tracker ?? (await cluster.startTracker(1500))).address;
}

async function seededFile(name: string, chunks: number): Promise<{ path: string; content: Buffer; root: string; chunks: number }> {
  const { path, content } = await cluster.file(name, (chunks - 1) * CHUNK + random.int(1, CHUNK));
  const manifest = await referenceManifest(path, CHUNK);
  return { path, content, root: manifest.root, chunks: manifest.hashes.length };
}

async function assertSameFile(out: string, expected: Buffer): Promise<void> {
  const got = await readFile(out);
  assert.equal(got.length, expected.length, 'the downloaded file has the wrong size');
  assert.ok(got.equals(expected), 'the downloaded file differs from the original');
}

test('PeerBook: peers are usable once added, in the order they were added', () => {
  const book = new PeerBook();
  book.add('127.0.0.1:1');
  book.add('127.0.0.1:2');
  book.add('127.0.0.1:1');
  assert.deepEqual(book.usable(), ['127.0.0.1:1', '127.0.0.1:2']);
  assert.equal(book.isUsable('127.0.0.1:2'), true);
  assert.equal(book.isUsable('127.0.0.1:3'), false, 'a peer never added is not usable');
});

test('PeerBook: failures in a row suspend a peer for cooldownMs; a success in between resets the count', () => {
  const book = new PeerBook({ maxFailures: 3, cooldownMs: 1000 });
  book.add('a:1');
  book.recordFailure('a:1', 0);
  book.recordFailure('a:1', 0);
  book.recordSuccess('a:1');
  book.recordFailure('a:1', 0);
  book.recordFailure('a:1', 0);
  assert.deepEqual(book.usable(10), ['a:1'], 'two failures since the last success: still usable');
  book.recordFailure('a:1', 100);
  assert.deepEqual(book.usable(200), [], 'three failures in a row: suspended');
  assert.equal(book.isUsable('a:1', 1099), false);
  book.add('a:1');
  assert.equal(book.isUsable('a:1', 1099), false, 'discovery listing it again does not lift a suspension');
  assert.deepEqual(book.usable(1100), ['a:1'], 'usable again once the cooldown is over');
});

test('PeerBook: a banned peer stays banned, whatever discovery says', () => {
  const book = new PeerBook();
  book.add('liar:1');
  book.add('honest:1');
  book.ban('liar:1', 'chunk 3 did not match its hash');
  book.add('liar:1');
  assert.deepEqual(book.usable(), ['honest:1']);
  assert.equal(book.isBanned('liar:1'), true);
  assert.equal(book.isUsable('liar:1'), false);
  assert.deepEqual(book.banned(), [{ peer: 'liar:1', reason: 'chunk 3 did not match its hash' }]);
});

test('seeders die mid-chunk, one joins, one lies: the file arrives byte-identical and only the liar is banned', { timeout: 90_000 }, async (t) => {
  const file = await seededFile('churn.bin', 40);
  const address = await tracker();
  const honest = await Promise.all(
    [1, 2, 3].map((i) =>
      cluster.startPeer({ name: `honest${i}`, file: file.path, chunkSize: CHUNK, heartbeatMs: 300, proxy: { rateBytesPerSec: 96 * 1024 } }),
    ),
  );
  const liar = await cluster.startPeer({
    name: 'liar',
    file: file.path,
    chunkSize: CHUNK,
    heartbeatMs: 300,
    proxy: { rateBytesPerSec: 512 * 1024, corrupt: 1 },
  });
  await cluster.waitTracker(file.root, (listed) => listed.length === 4);
  const [first, second, third] = random.shuffle(honest) as [ClusterPeer, ClusterPeer, ClusterPeer];
  let finished = false;
  // The script of the churn: `first` dies, a newcomer joins, then the other two die.
  const churn = cluster.dieAfterChunks(first, random.int(2, 5)).then(async () => {
    if (finished) {
      return;
    }
    const newcomer = await cluster.startPeer({
      name: 'newcomer',
      file: file.path,
      chunkSize: CHUNK,
      heartbeatMs: 300,
      proxy: { rateBytesPerSec: 512 * 1024 },
    });
    await cluster.waitTracker(file.root, (listed) => listed.includes(newcomer.address));
    void cluster.dieAfterChunks(second, random.int(0, 2));
    void cluster.dieAfterChunks(third, random.int(0, 2));
  });
  const out = cluster.path('churn-out.bin');
  const report = await download({ root: file.root, out, tracker: address, rediscoverMs: 300, requestTimeoutMs: 5000, giveUpMs: 15_000 });
  finished = true;
  if (first.proxy!.dead) {
    // The churn script ran (or is finishing): let it end, and fail here if it failed.
    await churn;
  }
  await assertSameFile(out, file.content);
  assert.deepEqual([...report.banned], [liar.address], 'the liar, and only the liar, is banned (a peer that dies is not lying)');
  const events = cluster.log.events;
  const firstLie = deliveries(events, 'liar').find((e) => e.corrupted);
  assert.ok(firstLie, 'the liar was never asked for a chunk: every seeder should be tried');
  const askedAfter = chunkRequests(events, 'liar').filter((e) => e.seq > firstLie.seq).length;
  assert.ok(askedAfter <= 4, `the liar was asked for ${askedAfter} more chunks after its first bad one: ban it at once`);
  const served = Object.fromEntries(cluster.peers.map((p) => [p.name, deliveries(events, p.name).length]));
  t.diagnostic(`chunks served: ${JSON.stringify(served)}; dead: ${cluster.peers.filter((p) => p.proxy?.dead).map((p) => p.name).join(', ')}`);
});

test('a stalled link: the request times out and the chunk comes from another peer', { timeout: 60_000 }, async () => {
  const file = await seededFile('stall.bin', 24);
  const address = await tracker();
  const peers = await Promise.all(
    [1, 2, 3].map((i) =>
      cluster.startPeer({ name: `steady${i}`, file: file.path, chunkSize: CHUNK, heartbeatMs: 300, proxy: { rateBytesPerSec: 256 * 1024 } }),
    ),
  );
  await cluster.waitTracker(file.root, (listed) => listed.length === 3);
  const stalled = random.pick(peers);
  stalled.proxy!.stallAfterChunks(1);
  const mark = cluster.log.events.length;
  const out = cluster.path('stall-out.bin');
  const report = await download({ root: file.root, out, tracker: address, requestTimeoutMs: 1500, giveUpMs: 15_000 });
  await assertSameFile(out, file.content);
  assert.deepEqual([...report.banned], [], 'a slow peer is not a liar: nobody is banned');
  const events = cluster.log.events.slice(mark);
  const stuck = chunkRequests(events, stalled.name)
    .map((e) => e.index)
    .filter((index) => !deliveries(events, stalled.name).some((d) => d.index === index));
  assert.ok(stuck.length > 0, `${stalled.name} stalled but was never asked for a chunk: spread the requests`);
  for (const index of stuck) {
    assert.ok(deliveries(events).some((d) => d.index === index && d.proxy !== stalled.name), `chunk ${index}, stuck on ${stalled.name}, came from nowhere else`);
  }
});

test('when a chunk exists on no live peer, the download fails with DownloadError instead of hanging', { timeout: 60_000 }, async () => {
  const file = await seededFile('lost.bin', 16);
  const address = await tracker();
  const half = Math.floor(file.chunks / 2);
  const all = Array.from({ length: file.chunks }, (_, i) => i);
  const [, back] = await Promise.all([
    cluster.startPeer({ name: 'front', file: file.path, chunkSize: CHUNK, heartbeatMs: 300, only: formatRanges(all.slice(0, half)) }),
    cluster.startPeer({
      name: 'back',
      file: file.path,
      chunkSize: CHUNK,
      heartbeatMs: 300,
      only: formatRanges(all.slice(half)),
      proxy: { rateBytesPerSec: 128 * 1024 },
    }),
  ]);
  await cluster.waitTracker(file.root, (listed) => listed.length === 2);
  void cluster.dieAfterChunks(back as ClusterPeer, 2);
  await assert.rejects(
    download({ root: file.root, out: cluster.path('lost-out.bin'), tracker: address, rediscoverMs: 300, requestTimeoutMs: 2000, giveUpMs: 2500 }),
    (error: unknown) => {
      if (!(error instanceof DownloadError)) {
        throw error;
      }
      return true;
    },
  );
});

/** Polls `check` every 50 ms; fails with `what` after timeoutMs. */
async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    assert.ok(Date.now() < deadline, what);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const bitSet = (bits: Buffer, index: number): boolean => ((bits[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;

test('startSeeding serves and announces the chunks verified so far, including those verified after it started', { timeout: 30_000 }, async () => {
  const file = await seededFile('seeding.bin', 8);
  const address = await tracker();
  const manifest: Manifest = { name: 'seeding.bin', ...(await referenceManifest(file.path, CHUNK)) };
  const have = new Set<number>([1]);
  const seeding = await startSeeding({ file: { manifest, path: file.path, have }, tracker: address, heartbeatMs: 200 });
  const client = await RawClient.open(seeding.port);
  try {
    assert.equal(seeding.address, `127.0.0.1:${seeding.port}`, 'with no advertise, the address is host:port');
    await cluster.waitTracker(file.root, (listed) => listed.includes(seeding.address));
    await client.write(rootFrame(Type.GetHave, file.root));
    const [first] = await client.waitFrames(1);
    assert.equal(first?.type, Type.Have);
    const bitsBefore = first.body.subarray(32);
    assert.deepEqual([bitSet(bitsBefore, 1), bitSet(bitsBefore, 5)], [true, false], 'HAVE lists chunk 1 only');
    have.add(5);
    await client.write(Buffer.concat([rootFrame(Type.GetHave, file.root), getChunkFrame(file.root, 5), getChunkFrame(file.root, 6)]));
    const [, again, chunk, missing] = await client.waitFrames(4);
    assert.ok(again && bitSet(again.body.subarray(32), 5), 'chunk 5 was verified after startSeeding: HAVE must list it now (read `have` at each request)');
    assert.equal(chunk?.type, Type.Chunk, 'chunk 5 is served once verified');
    assert.ok(chunk.body.subarray(36).equals(file.content.subarray(5 * CHUNK, 6 * CHUNK)), 'chunk 5 has the right bytes');
    assert.equal(missing?.type, Type.Error, 'chunk 6 is not verified yet: ERROR');
  } finally {
    client.close();
    await seeding.stop();
  }
  await cluster.waitTracker(file.root, (listed) => !listed.includes(seeding.address));
});

test('a downloader that serves leaves itself out of the peers it finds, and never asks itself for anything', { timeout: 60_000 }, async () => {
  const file = await seededFile('self.bin', 16);
  await tracker();
  const all = Array.from({ length: file.chunks }, (_, i) => i);
  const front = all.slice(0, Math.floor(file.chunks / 2));
  // The downloader reaches the tracker through a proxy, so that the test sees each of its lookups.
  const trackerProxy = await cluster.startProxy('tracker', {});
  trackerProxy.setTarget(cluster.tracker!.port);
  const lookups = (): number => trackerProxy.events().filter((e) => e.kind === 'request' && e.type === Type.Lookup).length;
  await cluster.startPeer({ name: 'self-front', file: file.path, chunkSize: CHUNK, heartbeatMs: 300, only: formatRanges(front) });
  await cluster.waitTracker(file.root, (listed) => listed.length === 1);
  // What the downloader serves is reached through this proxy, and it announces the proxy's address:
  // as behind a NAT, the address it listens on is not the one others reach it at.
  const own = await cluster.startProxy('downloader-self', {});
  const report = download({
    root: file.root,
    out: cluster.path('self-out.bin'),
    tracker: trackerProxy.address,
    rediscoverMs: 300,
    giveUpMs: 30_000,
    serve: { advertise: own.address, heartbeatMs: 300 },
    onEvent: (event) => {
      if (event.type === 'serving') {
        own.setTarget(event.port);
      }
    },
  }).catch((error: Error) => error);
  // Half of the file is on no peer yet: the download goes on, and asks the tracker again and again,
  // which now lists the downloader itself. Two lookups after that, a downloader that does not leave
  // itself out has connected to itself; only then does a peer with the other half join.
  await cluster.waitTracker(file.root, (listed) => listed.includes(own.address));
  const listedAt = lookups();
  await until(`the downloader asked the tracker ${lookups() - listedAt} times after it was listed, not twice: ask it again every rediscoverMs`, () => lookups() >= listedAt + 2);
  await cluster.startPeer({ name: 'self-back', file: file.path, chunkSize: CHUNK, heartbeatMs: 300, only: formatRanges(all.slice(front.length)) });
  const outcome = await report;
  try {
    assert.ok(!(outcome instanceof Error), `${outcome instanceof Error ? outcome.message : ''}\nthe peer "self-back" joined with the chunks that were missing`);
    assert.equal(
      own.stats.connections,
      0,
      `the downloader connected to its own address ${own.address} (${own.stats.connections} connections), which the tracker lists because it announces it: ` +
        'leave the address you announce (seeding.address) out of the peers you discover; the port you listen on is not the address others reach ' +
        'you at (the lesson "NAT and NAT traversal", read first for milestone 3, says why)',
    );
    assert.ok((await readFile(cluster.path('self-out.bin'))).equals(file.content), 'the downloaded file differs from the original');
  } finally {
    await (outcome instanceof Error ? undefined : outcome.seeding?.stop());
  }
});

test('downloaders feed each other: with the seeders gone, each finishes from the other', { timeout: 90_000 }, async (t) => {
  const file = await seededFile('swarm.bin', 24);
  const address = await tracker();
  const all = Array.from({ length: file.chunks }, (_, i) => i);
  const front = all.slice(0, Math.floor(file.chunks / 2));
  const back = all.slice(front.length);
  // Each downloader knows one seeder, which holds half the file and announces to nobody: the
  // other half can only come from the other downloader.
  const [seedFront, seedBack] = await Promise.all([
    cluster.startPeer({ name: 'seed-front', file: file.path, chunkSize: CHUNK, only: formatRanges(front), announce: false, proxy: { rateBytesPerSec: 256 * 1024 } }),
    cluster.startPeer({ name: 'seed-back', file: file.path, chunkSize: CHUNK, only: formatRanges(back), announce: false, proxy: { rateBytesPerSec: 256 * 1024 } }),
  ]);
  // Each downloader serves behind a proxy that forwards nothing until the seeders have left: the
  // two are cut off from each other until then, whatever the timing.
  const downloaders = await Promise.all(
    (['a', 'b'] as const).map(async (name, i) => {
      const proxy = await cluster.startProxy(`downloader-${name}`, { rateBytesPerSec: 256 * 1024 });
      const verified = new Set<number>();
      let port: number | undefined;
      const report: Promise<DownloadReport | Error> = download({
        root: file.root,
        out: cluster.path(`swarm-${name}.bin`),
        tracker: address,
        peers: [(i === 0 ? seedFront : seedBack).address],
        rediscoverMs: 300,
        requestTimeoutMs: 2000,
        giveUpMs: 20_000,
        serve: { advertise: proxy.address, heartbeatMs: 300 },
        onEvent: (event) => {
          if (event.type === 'verified') {
            verified.add(event.index);
          } else if (event.type === 'serving') {
            port = event.port;
          }
        },
      }).catch((error: Error) => error);
      return { name, proxy, verified, report, port: () => port, half: i === 0 ? front : back };
    }),
  );
  const [a, b] = downloaders as [(typeof downloaders)[number], (typeof downloaders)[number]];
  await until(
    `downloader a verified ${a.verified.size}/${front.length} chunks of its seeder's half, b ${b.verified.size}/${back.length} of its: each must get its half from the seeder it knows`,
    () => front.every((i) => a.verified.has(i)) && back.every((i) => b.verified.has(i)),
  );
  await Promise.all([seedFront.kill(), seedBack.kill()]);
  const seedersGone = cluster.log.events.length;
  for (const d of downloaders) {
    const port = d.port();
    assert.ok(port !== undefined, `downloader ${d.name} never emitted 'serving': with options.serve, startSeeding once you have the manifest`);
    d.proxy.setTarget(port);
  }
  const reports: DownloadReport[] = [];
  for (const d of downloaders) {
    const report = await d.report;
    assert.ok(
      !(report instanceof Error),
      `downloader ${d.name}: ${report instanceof Error ? report.message : ''}\nIts seeder is gone and the other downloader holds the chunks it lacks: ` +
        'serve the chunks you verified (startSeeding), announce them, and ask peers GET_HAVE again while they lack chunks you need.',
    );
    reports.push(report);
  }
  try {
    for (const d of downloaders) {
      assert.ok((await readFile(cluster.path(`swarm-${d.name}.bin`))).equals(file.content), `downloader ${d.name}'s file differs from the original`);
    }
    const after = cluster.log.events.slice(seedersGone);
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const fed = new Set(deliveries(after, from.proxy.name).map((e) => e.index));
      const missing = from.half.filter((i) => !fed.has(i));
      assert.deepEqual(missing, [], `downloader ${to.name} got chunks ${missing.join(', ')} from nowhere: only downloader ${from.name} had them`);
    }
    t.diagnostic(`served after the seeders left: a ${deliveries(after, a.proxy.name).length} chunks, b ${deliveries(after, b.proxy.name).length}`);
  } finally {
    await Promise.all(reports.map((report) => report.seeding?.stop()));
  }
});
