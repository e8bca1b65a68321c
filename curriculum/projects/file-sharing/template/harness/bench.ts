// `npm run bench`: the figures of your downloader, measured through the harness proxies.
// - overhead: bytes that crossed the proxies (both ways) per byte of file;
// - throughput with 1, 4 and 8 seeders, each capped at the same upload rate, and the speed-up;
// - time to complete under churn (seeders dying mid-chunk, one lying) and the chunks re-fetched.
// Loopback is far faster than any real link, so each seeder's proxy caps its upload with a token
// bucket: that cap is what makes many seeders faster than one, as on a real network.
// Seeded by ROADMAP_SEED; options: --rate <KiB/s per seeder> --size <MiB>.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { download, type DownloadReport } from '../src/download.ts';
import { Cluster, type ClusterPeer } from './cluster.ts';
import { refetchedChunks } from './observe.ts';
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

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rate: { type: 'string', default: '1024' }, size: { type: 'string', default: '4' } } });
  const seed = seedFromEnv();
  const rate = Number(values.rate) * 1024;
  const size = Math.round(Number(values.size) * MiB) + 12_345;
  const chunks = Math.ceil(size / CHUNK);
  console.log(
    `file-sharing bench, seed ${seed}: a ${(size / MiB).toFixed(2)} MiB file in ${chunks} chunks of ${CHUNK / 1024} KiB; ` +
      `each seeder's upload capped at ${(rate / MiB).toFixed(2)} MiB/s by its proxy.\n`,
  );
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
  const churn = await measure(seed, 'churn', { seeders: 8, rate, size, liars: 1, dying: 4 });
  console.log(
    `\nunder churn (8 seeders, 1 lying, 4 dying mid-chunk): completed in ${churn.seconds.toFixed(2)} s ` +
      `(${(size / MiB / churn.seconds).toFixed(2)} MiB/s)\n` +
      `  chunks sent more than once (whole, cut or corrupted): ${churn.refetched}; ` +
      `requests re-sent by the downloader after a failure: ${churn.report.refetched}\n` +
      `  bytes moved / file size: ${(churn.bytesMoved / size).toFixed(4)}; banned: ${churn.report.banned.join(', ') || 'nobody'}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
