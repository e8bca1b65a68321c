// `npm run bench`: the figures of your shop, measured as processes on this machine.
// 1. Instance kill: three catalogs behind the gateway, a steady load of GET /products, one catalog
//    killed with SIGKILL; requests, error rate during the detection window, p50/p99 latency.
// 2. Faults: the catalogs behind proxies that answer 503 to 10 % of requests and add 0–20 ms;
//    orders whose first answer is always lost; retries per request (seen by the proxies).
// Seeded by ROADMAP_SEED; every run is bounded (well under a minute in all).
import { ask } from './client.ts';
import { failed, figures, formatFigures, runLoad } from './load.ts';
import { createRandom, seedFromEnv } from './random.ts';
import { FAST_ENV, REGISTRY_TTL_MS, Shop } from './shop.ts';

async function instanceKill(seed: number): Promise<void> {
  const shop = new Shop(createRandom(seed, 'bench:kill'));
  try {
    await shop.startRegistry();
    const catalogs = await Promise.all([shop.start('catalog'), shop.start('catalog'), shop.start('catalog')]);
    await shop.waitRegistered('catalog', (urls) => urls.length === 3);
    const gateway = await shop.start('gateway');
    const windowMs = REGISTRY_TTL_MS + 3 * Number(FAST_ENV.REFRESH_MS);
    let killedAt = Infinity;
    const started = performance.now();
    const samples = await runLoad({
      url: () => `${gateway.url}/products`,
      concurrency: 4,
      maxRequests: 50_000,
      stop: () => performance.now() - started > 6000,
      onAnswer: () => {
        if (killedAt === Infinity && performance.now() - started > 2000) {
          killedAt = performance.now();
          void catalogs[1]!.process.kill('SIGKILL');
        }
      },
    });
    const window = samples.filter((s) => s.start >= killedAt && s.start < killedAt + windowMs);
    const metrics = (await ask(`${gateway.url}/metrics`)).text;
    const retries = [...metrics.matchAll(/^upstream_retries_total\{[^}]*\} (\S+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    console.log('1. one of three catalog instances killed (SIGKILL) under load, through the gateway');
    console.log(`   ${formatFigures('whole run', figures(samples))}`);
    console.log(`   ${formatFigures(`detection window (${windowMs} ms)`, figures(window))}`);
    console.log(`   failed after the window: ${samples.filter((s) => s.start >= killedAt + windowMs && failed(s)).length}`);
    console.log(`   retries per request (gateway's upstream_retries_total): ${(retries / samples.length).toFixed(3)}`);
  } finally {
    await shop.close();
  }
}

async function faults(seed: number): Promise<void> {
  const random = createRandom(seed, 'bench:faults');
  const shop = new Shop(random);
  try {
    await shop.startRegistry();
    await shop.start('inventory');
    await shop.start('orders', { proxy: { decide: (r) => (r.method === 'POST' && r.sameKeyBefore === 0 ? 'drop-response' : 'forward') } });
    await Promise.all([shop.start('catalog', { proxy: { errorRate: 0.1, latencyMs: [0, 20] } }), shop.start('catalog', { proxy: { errorRate: 0.1, latencyMs: [0, 20] } })]);
    await shop.waitRegistered('catalog', (urls) => urls.length === 2);
    const gateway = await shop.start('gateway');
    const browsing = await runLoad({ url: () => `${gateway.url}/products`, concurrency: 4, maxRequests: 300 });
    const seen = shop.log.events.filter((e) => e.proxy.startsWith('catalog')).length;
    const ordering = await runLoad({
      url: () => `${gateway.url}/orders`,
      request: () => ({ method: 'POST', body: { productId: random.pick(['p1', 'p2', 'p3']), quantity: 1 } }),
      concurrency: 4,
      maxRequests: 60,
    });
    const posts = shop.log.events.filter((e) => e.method === 'POST').length;
    console.log('\n2. injected faults');
    console.log(`   ${formatFigures('GET /products, 10 % 503s and 0–20 ms added per catalog', figures(browsing))}`);
    console.log(`   retries per request: ${(seen / browsing.length - 1).toFixed(3)}`);
    console.log(`   ${formatFigures('POST /orders, first answer of each lost', figures(ordering))}`);
    console.log(`   attempts per order: ${(posts / ordering.length).toFixed(2)}`);
  } finally {
    await shop.close();
  }
}

async function main(): Promise<void> {
  const seed = seedFromEnv();
  console.log(`microservices bench, seed ${seed}\n`);
  await instanceKill(seed);
  await faults(seed);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
