// Milestone 4: resilience. Back-off with jitter, the circuit breaker and the idempotency store on
// their own; Upstream against services behind the harness's fault proxy (injected 503s, latency,
// lost responses); then the shop as processes: orders whose first answer is always lost, so the
// gateway must retry, and must carry the same idempotency key so that each order is placed once.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { Balancer } from '../src/lib/balancer.ts';
import { staticSource } from '../src/lib/discovery.ts';
import { IdempotencyConflict, IdempotencyStore } from '../src/lib/idempotency.ts';
import { createLogger } from '../src/lib/log.ts';
import { CircuitBreaker, backoffDelay, type RetryPolicy } from '../src/lib/resilience.ts';
import { Upstream } from '../src/lib/upstream.ts';
import { ask, eventually, within } from '../harness/client.ts';
import { failed, figures, formatFigures, runLoad } from '../harness/load.ts';
import { FaultProxy, ProxyLog, type Faults, type ProxyEvent } from '../harness/proxy.ts';
import { createRandom, seedFromEnv } from '../harness/random.ts';
import { Shop } from '../harness/shop.ts';

const random = createRandom(seedFromEnv(), 'm4');
const shop = new Shop(random);
const servers: Server[] = [];
const proxies: FaultProxy[] = [];
after(async () => {
  await shop.close();
  await Promise.all(proxies.map((p) => p.close()));
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});
const quiet = createLogger('test', { write: () => undefined });

/** An HTTP server in this process answering 200 {"from": name}, behind a fault proxy. */
async function proxied(name: string, faults: Faults): Promise<FaultProxy> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ from: name })));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy = await FaultProxy.start({ name, random: random.fork(name), log: new ProxyLog(), faults });
  proxy.setTarget(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  proxies.push(proxy);
  return proxy;
}

function upstreamTo(urls: string[], options: { retry?: RetryPolicy; timeoutMs?: number; breaker?: CircuitBreaker; waits?: number[] } = {}): Upstream {
  return new Upstream({
    name: 'tiny',
    balancer: new Balancer(staticSource(urls), { ejectMs: 60_000 }),
    log: quiet,
    // Far longer than a local answer takes even on a loaded machine: only the tests that want a
    // timeout set a short one.
    timeoutMs: options.timeoutMs ?? 10_000,
    retry: options.retry ?? { attempts: 3, baseMs: 1, maxMs: 5 },
    breaker: options.breaker ?? new CircuitBreaker({ threshold: 1000, coolDownMs: 1000 }),
    random: random.fork('jitter').next,
    sleep: async (ms) => {
      options.waits?.push(ms);
    },
  });
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

test('backoffDelay: exponential caps, and jitter spreading the waits (any random wait within the cap)', () => {
  // Full jitter (uniform in [0, cap)) is the usual choice, equal jitter (cap/2 plus up to cap/2)
  // another: any wait within [0, cap] passes, as long as it is random enough to spread clients
  // that failed together, and grows with the cap.
  const policy: RetryPolicy = { attempts: 8, baseMs: 100, maxMs: 1000 };
  const draw = random.fork('backoff');
  let previous: { cap: number; mean: number } | undefined;
  for (let retry = 1; retry <= 6; retry++) {
    const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
    const waits = Array.from({ length: 400 }, () => backoffDelay(retry, policy, draw.next));
    for (const wait of waits) {
      assert.ok(wait >= 0 && wait <= cap, `retry ${retry}: a wait of ${wait} ms is outside [0, ${cap}]`);
    }
    const distinct = new Set(waits.map((w) => Math.round(w * 1000))).size;
    assert.ok(
      distinct > 300,
      `retry ${retry}: only ${distinct} distinct waits out of 400. Without jitter, clients that failed together retry together: randomise the wait.`,
    );
    const spread = Math.max(...waits) - Math.min(...waits);
    assert.ok(spread >= 0.1 * cap, `retry ${retry}: the waits span only ${spread.toFixed(1)} ms of the cap ${cap} ms: clients would still retry almost together`);
    if (previous && cap >= 2 * previous.cap) {
      assert.ok(
        mean(waits) > 1.4 * previous.mean,
        `retry ${retry}: the cap doubled to ${cap} ms but the mean wait went from ${previous.mean.toFixed(1)} to ${mean(waits).toFixed(1)} ms: the back-off must grow`,
      );
    }
    previous = { cap, mean: mean(waits) };
  }
});

test('CircuitBreaker: closed, open after the threshold, half-open after the cool-down, one trial', () => {
  let now = random.int(0, 1e9);
  const breaker = new CircuitBreaker({ threshold: 3, coolDownMs: 500, now: () => now });
  assert.equal(breaker.state, 'closed');
  breaker.onFailure();
  breaker.onFailure();
  breaker.onSuccess();
  breaker.onFailure();
  breaker.onFailure();
  assert.equal(breaker.state, 'closed', 'a success resets the count of consecutive failures');
  breaker.onFailure();
  assert.equal(breaker.state, 'open');
  assert.equal(breaker.allow(), false);
  now += 499;
  assert.equal(breaker.allow(), false, 'open until the cool-down has passed');
  now += 1;
  assert.equal(breaker.state, 'half-open');
  assert.equal(breaker.allow(), true, 'half-open lets one trial call through');
  assert.equal(breaker.allow(), false, 'and only one while it is out');
  breaker.onFailure();
  assert.equal(breaker.state, 'open', 'a failed trial opens it again');
  now += 500;
  assert.equal(breaker.allow(), true);
  breaker.onSuccess();
  assert.equal(breaker.state, 'closed', 'a good trial closes it');
  assert.equal(breaker.allow(), true);
});

test('IdempotencyStore: one run per key, replays, conflicts, and a failed run forgotten', async () => {
  const store = new IdempotencyStore<number>();
  let runs = 0;
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const work = async (): Promise<number> => {
    runs++;
    await gate;
    return 42;
  };
  const concurrent = [store.run('k1', 'a', work), store.run('k1', 'a', work), store.run('k1', 'a', work)];
  release();
  const results = await Promise.all(concurrent);
  assert.equal(runs, 1, 'concurrent calls with one key must run the work once');
  assert.deepEqual(results.map((r) => r.value), [42, 42, 42]);
  assert.deepEqual(results.map((r) => r.replayed), [false, true, true]);
  assert.deepEqual(await store.run('k1', 'a', work), { value: 42, replayed: true });
  await assert.rejects(store.run('k1', 'b', work), IdempotencyConflict);
  await assert.rejects(store.run('k2', 'a', () => Promise.reject(new Error('no stock'))), /no stock/);
  assert.deepEqual(await store.run('k2', 'a', async () => 7), { value: 7, replayed: false }, 'a failed run must not be remembered');
});

test('Upstream retries 503s after jittered, growing back-offs, and never retries a POST without a key', async () => {
  // Every request's first two attempts get a 503 from the proxy.
  let seen = 0;
  const flaky = await proxied('flaky', { decide: () => (seen++ % 3 < 2 ? 'error' : 'forward') });
  const waits: number[] = [];
  const policy = { attempts: 3, baseMs: 40, maxMs: 1000 };
  const upstream = upstreamTo([flaky.url], { retry: policy, waits });
  const firstWaits: number[] = [];
  const secondWaits: number[] = [];
  // 100 calls: enough that the mean of the second waits (uniform below 80 ms with full jitter)
  // exceeds 1.4 times the first's (below 40 ms) on every seed, not on most.
  const calls = 100;
  for (let i = 0; i < calls; i++) {
    waits.length = 0;
    const answer = await upstream.call('GET', '/x');
    assert.equal(answer.status, 200, `call ${i}: got ${answer.status} after ${waits.length} back-offs`);
    assert.equal(waits.length, 2, 'two failed attempts, so two back-offs');
    firstWaits.push(waits[0] as number);
    secondWaits.push(waits[1] as number);
  }
  assert.ok(firstWaits.every((w) => w >= 0 && w <= 40) && secondWaits.every((w) => w >= 0 && w <= 80), 'back-offs above their caps');
  assert.ok(new Set(firstWaits).size > 0.75 * calls, `the first back-offs of ${calls} calls should differ: jitter`);
  assert.ok(mean(secondWaits) > mean(firstWaits) * 1.4, 'the second back-off should be drawn from a twice larger range');
  const proxyLog = flaky.events();
  assert.equal(proxyLog.length, 3 * calls);
  seen = 0;
  const before = flaky.events().length;
  const post = await upstream.call('POST', '/orders', { body: { x: 1 } });
  assert.equal(post.status, 503, 'a POST without an idempotency key gets the first answer, retried never');
  assert.equal(flaky.events().length - before, 1, 'a POST without an idempotency key was sent more than once');
  seen = 0;
  const keyed = await upstream.call('POST', '/orders', { body: { x: 1 }, idempotencyKey: 'key-1' });
  assert.equal(keyed.status, 200, 'a POST with an idempotency key is safe to retry');
  const keys = flaky.events().slice(-3).map((e) => e.idempotencyKey);
  assert.deepEqual(keys, ['key-1', 'key-1', 'key-1'], 'every attempt must carry the same idempotency key');
});

test('Upstream times out a slow instance and answers from another', { timeout: 60_000 }, async () => {
  // The slow instance answers only after SLOW_MS, far beyond an attempt's timeout: an answer from
  // the fast one after the slow one was asked proves an attempt timed out and another was made.
  // Judged by who answered, not by a time budget a loaded machine could miss.
  const SLOW_MS = 30_000;
  const slow = await proxied('slow', { latencyMs: SLOW_MS });
  const fast = await proxied('fast', {});
  // 3 s per attempt: a loaded machine answers the fast instance well within it, and it is still a
  // tenth of the slow one's delay. Round robin asks the slow one by the second call.
  const upstream = upstreamTo(random.shuffle([slow.url, fast.url]), { timeoutMs: 3000 });
  for (let i = 0; i < 4; i++) {
    const answer = await within(
      `call ${i} got no answer in time: give each attempt its own timeout (timeoutMs, 3 s here) and try another instance`,
      upstream.call('GET', '/x'),
      20_000,
    );
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { from: 'fast' }, `call ${i} was answered by the slow instance: no attempt timed out (3 s each)`);
  }
  // Every attempt at the slow one alone times out: the call ends with a 504, not the slow answer.
  const onlySlow = upstreamTo([slow.url], { timeoutMs: 500, retry: { attempts: 2, baseMs: 1, maxMs: 1 } });
  await assert.rejects(
    within('a call with only the slow instance (two attempts of 500 ms) got no answer in time: time each attempt out', onlySlow.call('GET', '/x'), 20_000),
    (error: Error & { status?: number }) => error.status === 504,
    'every attempt timed out: HttpError 504 (an answer or another error means the attempts did not time out)',
  );
});

test('the circuit breaker stops calls to a failing service, then lets a trial through', async () => {
  const down = await proxied('down', { errorRate: 1 });
  const breaker = new CircuitBreaker({ threshold: 5, coolDownMs: 300 });
  const upstream = upstreamTo([down.url], { retry: { attempts: 1, baseMs: 1, maxMs: 1 }, breaker });
  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) {
    statuses.push(await upstream.call('GET', '/x').then((a) => a.status, (error: Error & { status?: number }) => error.status ?? -1));
  }
  assert.equal(down.events().length, 5, `the failing service got ${down.events().length} requests of 20; after 5 failures the breaker should fail fast`);
  assert.ok(statuses.every((s) => s === 503), `every call fails with 503, through the service or fast: ${statuses.join(',')}`);
  down.setFaults({});
  await new Promise((resolve) => setTimeout(resolve, 350));
  assert.equal((await upstream.call('GET', '/x')).status, 200, 'after the cool-down a trial call goes through');
  assert.equal(breaker.state, 'closed');
});

test('the shop under lost responses and injected errors: every order placed exactly once', { timeout: 60_000 }, async (t) => {
  await shop.startRegistry();
  // The first attempt of every order reaches orders, which places it; its answer is lost.
  const lostFirstAnswer: Faults = { decide: (request) => (request.method === 'POST' && request.sameKeyBefore === 0 ? 'drop-response' : 'forward') };
  // While the test browses, one catalog answers 503 to every request and the other to none. A
  // request the faulty one fails succeeds when retried on the other, which a call must try next
  // (not an instance it already tried, while there is one), whatever the interleaving. (With both
  // catalogs failing at random, one request could meet a 503 on every attempt while the others'
  // requests got through between them: a failure by luck, not a bug.)
  let browsingFaulty = false;
  const faulty: Faults = { latencyMs: [0, 30], decide: () => (browsingFaulty ? 'error' : 'forward') };
  const [orders, gateway] = await Promise.all([
    shop.start('orders', { proxy: lostFirstAnswer }),
    shop.start('gateway', { env: { RETRY_ATTEMPTS: '6', BREAKER_THRESHOLD: '100' } }),
    shop.start('inventory'),
    shop.start('catalog', { proxy: faulty }),
    shop.start('catalog', { proxy: { latencyMs: [0, 30] } }),
  ]);
  // The gateway and orders read the registry every 100 ms: wait until they see what they call.
  await eventually('the gateway reaching orders', () => ask(`${gateway.url}/orders`).then((a) => a.status), (status) => status === 200);
  await eventually('orders reaching inventory', () => ask(`${gateway.url}/products/p1`).then(() => shop.listed('inventory')), (urls) => urls.length === 1);

  const count = 24;
  const placed = await runLoad({
    url: () => `${gateway.url}/orders`,
    request: (i) => ({
      method: 'POST',
      body: { productId: random.pick(['p1', 'p2', 'p3']), quantity: 1 + (i % 3) },
      // Half the clients send their own key; for the others the gateway makes one.
      headers: i % 2 === 0 ? { 'idempotency-key': `client-${seedFromEnv()}-${i}` } : undefined,
    }),
    concurrency: 4,
    maxRequests: count,
  });
  assert.deepEqual(placed.filter(failed).map((s) => `${s.status} ${s.error}`), [], 'orders failed although every one could be retried');
  const listed = (await ask(`${orders.directUrl}/orders`)).json as { orders: unknown[] };
  assert.equal(listed.orders.length, count, `${listed.orders.length} orders placed for ${count} requests: a retry placed an order twice (same idempotency key on every attempt?)`);
  const reservations = (await ask(`${shop.instances.find((i) => i.service === 'inventory')!.directUrl}/reservations`)).json as { reservations: unknown[] };
  assert.equal(reservations.reservations.length, count, 'stock was reserved more than once for an order');
  const posts = orders.proxy!.events().filter((e) => e.method === 'POST');
  const keys = new Set(posts.map((e) => e.idempotencyKey));
  assert.equal(keys.size, count, `the orders service saw ${keys.size} idempotency keys for ${count} orders`);
  assert.ok(!keys.has(undefined), 'an order reached the orders service without an idempotency key');

  // A client that lost its answer sends the same request again: same order, nothing new placed.
  const again = await ask(`${gateway.url}/orders`, { method: 'POST', body: { productId: 'p4', quantity: 2 }, headers: { 'idempotency-key': 'twice' } });
  const twice = await ask(`${gateway.url}/orders`, { method: 'POST', body: { productId: 'p4', quantity: 2 }, headers: { 'idempotency-key': 'twice' } });
  assert.equal(again.status, 201);
  assert.equal(twice.status, 201);
  assert.equal((twice.json as { id: string }).id, (again.json as { id: string }).id, 'the same key must give the same order');

  // At least 80 requests, and on until the faulty catalog has failed one (the gateway may have
  // set it aside for a while if it failed during the start-up); 30 s at most.
  const browsingFrom = shop.log.events.length;
  const catalogEventsSince = (): ProxyEvent[] => shop.log.events.slice(browsingFrom).filter((e) => e.proxy.startsWith('catalog'));
  const browsingUntil = performance.now() + 30_000;
  let sent = 0;
  browsingFaulty = true;
  const browsing = await runLoad({
    url: (index) => {
      sent = index + 1;
      return `${gateway.url}/products`;
    },
    concurrency: 4,
    maxRequests: 5000,
    stop: () => (sent >= 80 && catalogEventsSince().some((e) => e.fate === 'error')) || performance.now() > browsingUntil,
  });
  const catalogEvents = catalogEventsSince();
  t.diagnostic(formatFigures('orders with lost responses', figures(placed)));
  t.diagnostic(`orders: ${(posts.length / count).toFixed(2)} attempts per order (${posts.length} for ${count})`);
  t.diagnostic(formatFigures('browsing with one of two catalogs answering 503', figures(browsing)));
  t.diagnostic(`browsing: ${(catalogEvents.length / browsing.length - 1).toFixed(2)} retries per request`);
  assert.deepEqual(browsing.filter(failed).map((s) => `${s.status} ${s.error}`), [], 'GET /products failed although a retry on the other catalog would succeed: retry a 503 on an instance this call has not tried');
  assert.ok(catalogEvents.some((e) => e.fate === 'error'), 'the faulty catalog was never asked while browsing: balance over every instance');
});
