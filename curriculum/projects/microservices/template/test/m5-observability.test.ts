// Milestone 5: observability. The metrics registry's text checked by the harness's own strict
// Prometheus parser; then gateway → catalog → inventory as processes, with proxies on the hops
// that record headers: one correlation id must follow a request across every hop and into every
// service's log lines, and /metrics must count exactly the requests that were made.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { MetricsRegistry } from '../src/lib/metrics.ts';
import { ask, eventually } from '../harness/client.ts';
import { parsePrometheus, sumOf } from '../harness/prometheus.ts';
import { createRandom, seedFromEnv } from '../harness/random.ts';
import { Shop, type ShopInstance } from '../harness/shop.ts';

const random = createRandom(seedFromEnv(), 'm5');
const shop = new Shop(random);
after(() => shop.close());

test('MetricsRegistry renders counters, gauges and histograms a Prometheus server can read', () => {
  const registry = new MetricsRegistry();
  const requests = registry.counter('shop_requests_total', 'Requests.\nAll of them.', ['route', 'status']);
  assert.equal(registry.counter('shop_requests_total', 'Requests.\nAll of them.', ['route', 'status']), requests, 'the same name gives the same counter');
  const incs = random.int(3, 20);
  for (let i = 0; i < incs; i++) {
    requests.inc({ route: '/products/:id', status: '200' });
  }
  requests.inc({ route: 'a "quoted" \\ back\nslash', status: '500' }, 2);
  assert.equal(requests.get({ route: '/products/:id', status: '200' }), incs);
  assert.throws(() => requests.inc({ route: '/x' }), 'labels must be exactly the declared ones');
  assert.throws(() => requests.inc({ route: '/x', status: '200' }, -1), 'a counter only goes up');
  assert.throws(() => registry.gauge('shop_requests_total', 'again'), 'one name, one kind');
  assert.throws(() => registry.counter('bad-name', 'x'), 'metric names are [a-zA-Z_:][a-zA-Z0-9_:]*');
  const inFlight = registry.gauge('shop_in_flight', 'In flight.');
  inFlight.inc();
  inFlight.inc();
  inFlight.dec();
  const latency = registry.histogram('shop_latency_seconds', 'Latency.', ['route'], [0.1, 0.01, 1]);
  const observed = Array.from({ length: 50 }, () => random.next() * 2);
  for (const value of observed) {
    latency.observe({ route: '/p' }, value);
  }
  const text = registry.render();
  const families = parsePrometheus(text);
  assert.equal(families.get('shop_requests_total')?.type, 'counter');
  assert.equal(families.get('shop_requests_total')?.help, 'Requests.\nAll of them.');
  assert.equal(sumOf(families, 'shop_requests_total', { route: '/products/:id', status: '200' }), incs);
  assert.equal(sumOf(families, 'shop_requests_total', { route: 'a "quoted" \\ back\nslash' }), 2, 'label values must be escaped');
  assert.equal(families.get('shop_in_flight')?.type, 'gauge');
  assert.equal(sumOf(families, 'shop_in_flight'), 1);
  assert.equal(families.get('shop_latency_seconds')?.type, 'histogram');
  assert.equal(sumOf(families, 'shop_latency_seconds_count', { route: '/p' }), 50);
  assert.equal(sumOf(families, 'shop_latency_seconds_bucket', { route: '/p', le: '0.1' }), observed.filter((v) => v <= 0.1).length);
  assert.equal(sumOf(families, 'shop_latency_seconds_bucket', { route: '/p', le: '1' }), observed.filter((v) => v <= 1).length, 'buckets are cumulative');
  assert.ok(Math.abs(sumOf(families, 'shop_latency_seconds_sum', { route: '/p' }) - observed.reduce((a, b) => a + b, 0)) < 1e-6);
});

let gateway: ShopInstance;
let catalog: ShopInstance;
let inventory: ShopInstance;

async function startShop(): Promise<void> {
  if (gateway) {
    return;
  }
  await shop.startRegistry();
  [inventory, catalog, gateway] = await Promise.all([shop.start('inventory', { proxy: {} }), shop.start('catalog', { proxy: {} }), shop.start('gateway')]);
  // The gateway and catalog read the registry every 100 ms: wait until a product page goes through.
  await eventually('a product page through the gateway', () => ask(`${gateway.url}/products/p2`).then((a) => a.status), (status) => status === 200);
}

test('one correlation id follows a request through every hop and into every log line', { timeout: 60_000 }, async () => {
  await startShop();
  const id = `order-flow-${seedFromEnv()}-${random.int(1, 1e9)}`;
  const answer = await ask(`${gateway.url}/products/p3`, { headers: { 'x-correlation-id': id } });
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.headers['x-correlation-id'], id, 'the gateway must answer with the request\'s correlation id');
  const hops = shop.log.events.filter((e) => e.correlationId === id).map((e) => e.proxy);
  assert.deepEqual(hops.sort(), [catalog.name, inventory.name].sort(), `the id reached only ${JSON.stringify(hops)}: pass it on every call`);
  for (const instance of [gateway, catalog, inventory]) {
    await instance.process.waitLog(`a log line with correlationId ${id}`, (line) => line.correlationId === id);
  }

  const fresh = await ask(`${gateway.url}/products/p5`);
  const made = fresh.headers['x-correlation-id'];
  assert.ok(typeof made === 'string' && made.length >= 8, 'without one, the gateway makes a correlation id and answers with it');
  assert.ok(shop.log.events.some((e) => e.proxy === inventory.name && e.correlationId === made), 'the id the gateway made must reach inventory');

  const hostile = 'x'.repeat(300);
  const replaced = await ask(`${gateway.url}/products/p1`, { headers: { 'x-correlation-id': hostile } });
  assert.notEqual(replaced.headers['x-correlation-id'], hostile, 'a 300-character id is not sane: replace it');
});

test('/metrics counts the requests made, by route and status, with a duration histogram', { timeout: 60_000 }, async () => {
  await startShop();
  const read = async (instance: ShopInstance) => {
    const answer = await ask(`${instance.directUrl}/metrics`);
    assert.equal(answer.status, 200);
    assert.match(String(answer.headers['content-type']), /^text\/plain/, 'Prometheus expects text/plain');
    return parsePrometheus(answer.text);
  };
  const before = await read(gateway);
  const count = (families: Awaited<ReturnType<typeof read>>, labels: Record<string, string>): number => sumOf(families, 'http_requests_total', labels);
  const okBefore = count(before, { service: 'gateway', route: '/products/:id', method: 'GET', status: '200' });
  const catalogBefore = count(await read(catalog), { service: 'catalog', route: '/products/:id', status: '200' });
  const n = random.int(5, 12);
  for (let i = 0; i < n; i++) {
    assert.equal((await ask(`${gateway.url}/products/p${random.int(1, 8)}`)).status, 200);
  }
  assert.equal((await ask(`${gateway.url}/products/nope`)).status, 404);
  await ask(`${gateway.url}/healthz`);
  const afterwards = await read(gateway);
  assert.equal(count(afterwards, { service: 'gateway', route: '/products/:id', method: 'GET', status: '200' }) - okBefore, n, 'http_requests_total{route="/products/:id",status="200"}: label the route by its pattern');
  assert.ok(count(afterwards, { route: '/products/:id', status: '404' }) >= 1, 'a 404 is counted with status="404"');
  assert.equal(count(afterwards, { route: '/healthz' }), 0, 'health checks are not counted as requests');
  assert.equal(
    sumOf(afterwards, 'http_request_duration_seconds_count', { service: 'gateway', route: '/products/:id', method: 'GET' }),
    count(afterwards, { service: 'gateway', route: '/products/:id', method: 'GET' }),
    'the duration histogram counts every request the counter counts',
  );
  assert.equal(afterwards.get('http_request_duration_seconds')?.type, 'histogram');
  assert.equal(count(await read(catalog), { service: 'catalog', route: '/products/:id', status: '200' }) - catalogBefore, n, 'catalog counts its own requests');
  assert.ok(sumOf(afterwards, 'upstream_requests_total', { target: 'catalog', outcome: 'ok' }) >= n, 'upstream_requests_total{target="catalog",outcome="ok"}');
});
