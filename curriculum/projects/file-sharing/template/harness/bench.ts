// `npm run bench`: the figures of your downloader, measured through the harness proxies.
// - overhead: bytes that crossed the proxies (both ways) per byte of file;
// - throughput with 1, 4 and 8 seeders, each capped at the same upload rate, and the speed-up;
// - time to complete under churn (seeders dying mid-chunk, one lying) and the chunks re-fetched;
// - a swarm: downloaders serving each other what they verified while the seeders leave, against
//   the same downloaders taking everything from the seeders: bytes each side uploaded, and times.
// Loopback is far faster than any real link, so each seeder's proxy caps its upload with a token
// bucket: that cap is what makes many seeders faster than one, as on a real network.
// Seeded by ROADMAP_SEED; options: --rate <KiB/s per seeder> --size <MiB> --only <seeders|churn|swarm>.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { download, type DownloadReport } from '../src/download.ts';
import { Cluster, type ClusterPeer } from './cluster.ts';
import { deliveries, refetchedChunks } from './observe.ts';
import type { Proxy } from './proxy.ts';
import { createRandom, seedFromEnv } from './random.ts';
import { referenceManifest } from './wire.ts';

const CHUNK = 64 * 1024;
const MiB = 1024 * 1024;

interface Measure {
  seconds: number;
  bytesMoved: number;
  refetched: number;
  report: DownloadReport;
}

async function measure(
  seed: number,
  label: string,
  options: { seeders: number; rate: number; size: number; liars?: number; dying?: number },
): Promise<Measure> {
  const random = createRandom(seed, `bench:${label}`);
  const cluster = await Cluster.create(`bench-${label}`, random);
  try {
    const { path, content } = await cluster.file('bench.bin', options.size);
    const { root } = await referenceManifest(path, CHUNK);
    const tracker = await cluster.startTracker(3000);
    const liars = options.liars ?? 0;
    const peers: ClusterPeer[] = await Promise.all(
      Array.from({ length: options.seeders }, (_, i) =>
        cluster.startPeer({
          name: i < liars ? `liar${i}` : `seed${i}`,
          file: path,
          chunkSize: CHUNK,
          heartbeatMs: 500,
          proxy: { rateBytesPerSec: options.rate, corrupt: i < liars ? 1 : undefined },
        }),
      ),
    );
    await cluster.waitTracker(root, (listed) => listed.length === options.seeders);
    const honest = peers.slice(liars);
    for (const peer of random.shuffle(honest).slice(0, options.dying ?? 0)) {
      void cluster.dieAfterChunks(peer, random.int(2, 8));
    }
    const out = cluster.path('bench-out.bin');
    const started = performance.now();
    const report = await download({ root, out, tracker: tracker.address, rediscoverMs: 300, requestTimeoutMs: 10_000 });
    const seconds = (performance.now() - started) / 1000;
    if (!(await readFile(out)).equals(content)) {
      throw new Error(`${label}: the downloaded file differs from the original`);
    }
    const bytesMoved = peers.reduce((sum, peer) => sum + peer.proxy!.stats.bytesToClient + peer.proxy!.stats.bytesToPeer, 0);
    return { seconds, bytesMoved, refetched: refetchedChunks(cluster.log.events), report };
  } finally {
    await cluster.close();
  }
}

interface SwarmMeasure {
  /** Seconds from the start to each downloader's completion, in order of completion. */
  done: number[];
  /** Seconds from the start until the seeders left (every chunk had left a seeder once), if they did. */
  seedersLeft: number | undefined;
  bytesBySeeders: number;
  bytesByDownloaders: number;
}

/**
 * `downloaders` start at once from `seeders` seeders, every upload capped at `rate` by a proxy.
 * With `serve`, each downloader serves what it verified (through its own capped proxy) and the
 * seeders leave as soon as every chunk has left one of them once; without, they stay to the end.
 */
async function measureSwarm(seed: number, label: string, options: { seeders: number; downloaders: number; rate: number; size: number; serve: boolean }): Promise<SwarmMeasure> {
  const random = createRandom(seed, `bench:${label}`);
  const cluster = await Cluster.create(`bench-${label}`, random);
  try {
    const { path, content } = await cluster.file('bench.bin', options.size);
    const { root, hashes } = await referenceManifest(path, CHUNK);
    const tracker = await cluster.startTracker(3000);
    const seeders = await Promise.all(
      Array.from({ length: options.seeders }, (_, i) =>
        cluster.startPeer({ name: `seed${i}`, file: path, chunkSize: CHUNK, heartbeatMs: 500, proxy: { rateBytesPerSec: options.rate } }),
      ),
    );
    await cluster.waitTracker(root, (listed) => listed.length === options.seeders);
    const proxies: Proxy[] = [];
    const started = performance.now();
    const done: number[] = [];
    const runs: Promise<DownloadReport>[] = [];
    let failed: unknown;
    for (let i = 0; i < options.downloaders; i++) {
      const proxy = options.serve ? await cluster.startProxy(`downloader${i}`, { rateBytesPerSec: options.rate }) : undefined;
      if (proxy) {
        proxies.push(proxy);
      }
      const out = cluster.path(`out${i}.bin`);
      runs.push(
        download({
          root,
          out,
          tracker: tracker.address,
          rediscoverMs: 300,
          requestTimeoutMs: 10_000,
          serve: proxy ? { advertise: proxy.address, heartbeatMs: 500 } : undefined,
          onEvent: (event) => {
            if (event.type === 'serving') {
              proxy?.setTarget(event.port);
            }
          },
        }).then(async (report) => {
          done.push((performance.now() - started) / 1000);
          if (!(await readFile(out)).equals(content)) {
            throw new Error(`${label}: downloader ${i}'s file differs from the original`);
          }
          return report;
        }),
      );
      // Noted at once, so that the wait below ends; thrown by Promise.all after it.
      runs[i]?.catch((error: unknown) => {
        failed ??= error;
      });
    }
    let seedersLeft: number | undefined;
    if (options.serve) {
      // The seeders leave once the swarm as a whole has had every chunk from them once.
      const names = new Set(seeders.map((peer) => peer.name));
      while (done.length < options.downloaders && failed === undefined) {
        const fromSeeders = new Set(deliveries(cluster.log.events).filter((e) => names.has(e.proxy)).map((e) => e.index));
        if (fromSeeders.size === hashes.length) {
          seedersLeft = (performance.now() - started) / 1000;
          await Promise.all(seeders.map((peer) => peer.kill()));
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const reports = await Promise.all(runs);
    await Promise.all(reports.map((report) => report.seeding?.stop()));
    const sum = (list: readonly (Proxy | undefined)[]): number => list.reduce((total, proxy) => total + (proxy?.stats.bytesToClient ?? 0), 0);
    return { done, seedersLeft, bytesBySeeders: sum(seeders.map((peer) => peer.proxy)), bytesByDownloaders: sum(proxies) };
  } finally {
    await cluster.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rate: { type: 'string', default: '1024' }, size: { type: 'string', default: '4' }, only: { type: 'string', default: 'all' } },
  });
  const part = (name: string): boolean => values.only === 'all' || values.only === name;
  const seed = seedFromEnv();
  const rate = Number(values.rate) * 1024;
  const size = Math.round(Number(values.size) * MiB) + 12_345;
  const chunks = Math.ceil(size / CHUNK);
  console.log(
    `file-sharing bench, seed ${seed}: a ${(size / MiB).toFixed(2)} MiB file in ${chunks} chunks of ${CHUNK / 1024} KiB; ` +
      `each seeder's upload capped at ${(rate / MiB).toFixed(2)} MiB/s by its proxy.\n`,
  );
  if (part('seeders')) {
    await seedersTable(seed, rate, size);
  }
  if (part('churn')) {
    await churnLine(seed, rate, size);
  }
  if (part('swarm')) {
    await swarmLines(seed, rate, size);
  }
}

async function seedersTable(seed: number, rate: number, size: number): Promise<void> {
  console.log('seeders  time      throughput    speed-up  bytes moved / file size');
  let base = 0;
  for (const seeders of [1, 4, 8]) {
    const m = await measure(seed, `n${seeders}`, { seeders, rate, size });
    base ||= m.seconds;
    console.log(
      `${String(seeders).padEnd(8)} ${`${m.seconds.toFixed(2)} s`.padEnd(9)} ${`${(size / MiB / m.seconds).toFixed(2)} MiB/s`.padEnd(13)} ` +
        `${`${(base / m.seconds).toFixed(2)}x`.padEnd(9)} ${(m.bytesMoved / size).toFixed(4)}`,
    );
  }
}

async function churnLine(seed: number, rate: number, size: number): Promise<void> {
  const churn = await measure(seed, 'churn', { seeders: 8, rate, size, liars: 1, dying: 4 });
  console.log(
    `\nunder churn (8 seeders, 1 lying, 4 dying mid-chunk): completed in ${churn.seconds.toFixed(2)} s ` +
      `(${(size / MiB / churn.seconds).toFixed(2)} MiB/s)\n` +
      `  chunks sent more than once (whole, cut or corrupted): ${churn.refetched}; ` +
      `requests re-sent by the downloader after a failure: ${churn.report.refetched}\n` +
      `  bytes moved / file size: ${(churn.bytesMoved / size).toFixed(4)}; banned: ${churn.report.banned.join(', ') || 'nobody'}`,
  );
}

async function swarmLines(seed: number, rate: number, size: number): Promise<void> {
  const shape = { seeders: 2, downloaders: 4, rate, size };
  console.log(
    `\nswarm: ${shape.downloaders} downloaders start at once from ${shape.seeders} seeders, every upload (seeders' and downloaders') capped at ${(rate / MiB).toFixed(2)} MiB/s`,
  );
  console.log('downloaders serve  seeders left  first done  last done  uploaded by seeders  uploaded by downloaders (× file size)');
  for (const serve of [false, true]) {
    const m = await measureSwarm(seed, serve ? 'swarm' : 'star', { ...shape, serve });
    console.log(
      `${(serve ? 'yes' : 'no').padEnd(18)} ${(m.seedersLeft === undefined ? 'never' : `${m.seedersLeft.toFixed(2)} s`).padEnd(13)} ` +
        `${`${Math.min(...m.done).toFixed(2)} s`.padEnd(11)} ${`${Math.max(...m.done).toFixed(2)} s`.padEnd(10)} ` +
        `${`${(m.bytesBySeeders / MiB).toFixed(2)} MiB (${(m.bytesBySeeders / size).toFixed(2)}×)`.padEnd(20)} ` +
        `${(m.bytesByDownloaders / MiB).toFixed(2)} MiB (${(m.bytesByDownloaders / size).toFixed(2)}×)`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
