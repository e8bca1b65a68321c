// Milestone 2: service discovery. RegistryStore's rules on a fake clock; the registry service's
// HTTP API read by the harness's own client; a registration through a proxy that counts its
// heartbeats and fails one; then catalog processes that register, heartbeat, deregister on
// SIGTERM (gone at once) and, killed with SIGKILL, expire after the TTL.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { RegistryStore, registrySource, startRegistration } from '../src/lib/discovery.ts';
import { createLogger } from '../src/lib/log.ts';
import { ask, eventually, within } from '../harness/client.ts';
import { FaultProxy, type Faults, type ProxyEvent } from '../harness/proxy.ts';
import { createRandom, seedFromEnv } from '../harness/random.ts';
import { REGISTRY_TTL_MS, Shop } from '../harness/shop.ts';

const random = createRandom(seedFromEnv(), 'm2');
const shop = new Shop(random);
const proxies: FaultProxy[] = [];
after(async () => {
  await shop.close();
  await Promise.all(proxies.map((p) => p.close()));
});
const quiet = createLogger('test', { write: () => undefined });
// Judged by the order of events the proxies record, never by a stopwatch: a waited-for event gets
// far more time than it needs, so a slow machine only makes a test longer.
const TEST_TIMEOUT_MS = 60_000;
const WAIT_MS = 20_000;

/** The shop's registry, started by the README API test; the tests after it need it. */
function registryUrl(): string {
  assert.ok(
    shop.registry,
    'the registry service did not start (see "the registry service speaks the README API"): loadConfig and startService (milestone 1), then RegistryStore, come first',
  );
  return shop.registry.url;
}

/** A fault proxy in front of the shop's registry, logging in the shop's log what is sent to it. */
async function registryProxy(name: string, faults: Faults = {}): Promise<FaultProxy> {
  const target = registryUrl();
  const proxy = await FaultProxy.start({ name, random: random.fork(name), log: shop.log, faults });
  // Closed by the file's `after` whatever happens next: an open proxy keeps the file from exiting.
  proxies.push(proxy);
  proxy.setTarget(target);
  return proxy;
}

test('RegistryStore: register, renew, list live instances only, deregister', () => {
  let now = random.int(0, 1e9);
  const ttlMs = random.int(500, 5000);
  const store = new RegistryStore({ ttlMs, now: () => now });
  assert.deepEqual(store.register('catalog', 'b', 'http://b:1'), { ttlMs });
  store.register('catalog', 'a', 'http://a:1');
  store.register('orders', 'o', 'http://o:1');
  assert.deepEqual(store.list('catalog'), [
    { id: 'a', url: 'http://a:1' },
    { id: 'b', url: 'http://b:1' },
  ]);
  assert.deepEqual(store.list('nothing'), []);
  now += Math.floor(ttlMs / 2);
  store.register('catalog', 'a', 'http://a:2'); // a renews (with a new URL); b does not
  now += ttlMs - Math.floor(ttlMs / 2) - 1;
  assert.equal(store.list('catalog').length, 2, 'b is still within its TTL');
  now += 1;
  assert.deepEqual(store.list('catalog'), [{ id: 'a', url: 'http://a:2' }], 'b expired exactly at its TTL; a renewed with a new URL');
  assert.equal(store.deregister('catalog', 'a'), true);
  assert.equal(store.deregister('catalog', 'a'), false);
  assert.deepEqual(store.list('catalog'), []);
  assert.deepEqual(store.services(), []);
  now += 1;
  store.register('orders', 'o', 'http://o:1');
  assert.deepEqual(store.services(), ['orders']);
});

test('the registry service speaks the README API', async () => {
  const registry = await shop.startRegistry(REGISTRY_TTL_MS);
  const id = `i-${random.int(1, 1e6)}`;
  const put = await ask(`${registry.url}/services/catalog/${id}`, { method: 'PUT', body: { url: 'http://127.0.0.1:9' } });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.json, { ttlMs: REGISTRY_TTL_MS });
  assert.deepEqual((await ask(`${registry.url}/services/catalog`)).json, { instances: [{ id, url: 'http://127.0.0.1:9' }] });
  assert.equal((await ask(`${registry.url}/services/catalog/x`, { method: 'PUT', body: { nope: 1 } })).status, 400);
  assert.equal((await ask(`${registry.url}/services/catalog/${id}`, { method: 'DELETE' })).status, 204);
  assert.equal((await ask(`${registry.url}/services/catalog/${id}`, { method: 'DELETE' })).status, 404);
  assert.deepEqual((await ask(`${registry.url}/services/catalog`)).json, { instances: [] });
});

test('startRegistration heartbeats, survives a failed heartbeat, and deregisters on stop', { timeout: TEST_TIMEOUT_MS }, async () => {
  // Through a proxy that fails the registry's answer to one heartbeat when told to.
  let failNextHeartbeat = false;
  const proxy = await registryProxy('registry-proxy-orders', {
    decide: (request) => {
      if (failNextHeartbeat && request.method === 'PUT') {
        failNextHeartbeat = false;
        return 'error';
      }
      return 'forward';
    },
  });
  const puts = (): ProxyEvent[] => proxy.events().filter((e) => e.method === 'PUT');
  const registration = await within(
    'startRegistration did not resolve: resolve once the first PUT has been answered 200',
    startRegistration({ registryUrl: proxy.url, service: 'orders', id: 'o1', url: 'http://127.0.0.1:7', heartbeatMs: 100, log: quiet }),
    WAIT_MS,
  );
  // Stopped whatever happens: a heartbeat left running would keep this test file from ever exiting.
  let stopped = false;
  try {
    assert.deepEqual(await shop.listed('orders'), ['http://127.0.0.1:7'], 'registered before startRegistration resolved');
    // Heartbeats covering two TTLs, counted as they reach the registry (not timed): still listed.
    const beats = 1 + (2 * REGISTRY_TTL_MS) / 100;
    await eventually('the registrations and heartbeats that reached the registry (renew every heartbeatMs)', async () => puts().length, (n) => n >= beats, WAIT_MS);
    assert.deepEqual(await shop.listed('orders'), ['http://127.0.0.1:7'], `expired although ${puts().length} heartbeats renewed it`);
    // The registry fails one heartbeat: the next ones still come.
    failNextHeartbeat = true;
    await eventually(
      'the heartbeats after the one the registry failed (keep heartbeating after a failure)',
      async () => puts().map((e) => e.fate),
      (fates) => fates.includes('error') && fates.at(-1) === 'forward',
      WAIT_MS,
    );
    // The registry forgets it (as after a registry restart): the next heartbeat brings it back.
    await ask(`${registryUrl()}/services/orders/o1`, { method: 'DELETE' });
    await shop.waitRegistered('orders', (urls) => urls.length === 1, WAIT_MS);
    stopped = true;
    await within('stop() did not resolve: stop the heartbeats, wait for one in flight, send DELETE, then resolve', registration.stop(), WAIT_MS);
    const goodbye = proxy.events().find((e) => e.method === 'DELETE');
    assert.ok(goodbye, 'stop() sent the registry no DELETE: deregister on stop');
    assert.deepEqual(await shop.listed('orders'), [], 'stop() must deregister');
    // Three heartbeat periods with nothing sent: no heartbeat was still on its way.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(
      puts().filter((e) => e.seq > goodbye.seq),
      [],
      'a heartbeat reached the registry after the DELETE of stop(): stop the timer and wait for a heartbeat in flight first',
    );
    assert.deepEqual(await shop.listed('orders'), [], 'a heartbeat came after stop()');
  } finally {
    if (!stopped) {
      await registration.stop().catch(() => undefined);
    }
  }
  // Against an unreachable registry: a registration that resolves is stopped at once, so its heartbeats end.
  const outcome = await within(
    'startRegistration with an unreachable registry neither resolved nor rejected: reject when the first registration fails',
    startRegistration({ registryUrl: 'http://127.0.0.1:1', service: 'orders', id: 'o2', url: 'http://127.0.0.1:8', heartbeatMs: 100, log: quiet }).then(
      (registration) => registration.stop().then(() => 'resolved'),
      () => 'rejected',
    ),
    WAIT_MS,
  );
  assert.equal(outcome, 'rejected', 'startRegistration must reject when the first registration fails');
});

test('registrySource follows the registry and keeps its last list while the registry is unreachable', { timeout: TEST_TIMEOUT_MS }, async () => {
  const url = registryUrl();
  await ask(`${url}/services/inventory/v1`, { method: 'PUT', body: { url: 'http://127.0.0.1:11' } });
  const source = await within('registrySource did not resolve: resolve after the first read of the registry', registrySource(url, 'inventory', 50, quiet), WAIT_MS);
  try {
    assert.deepEqual(source.current(), ['http://127.0.0.1:11'], 'the first read is done when registrySource resolves');
    await ask(`${url}/services/inventory/v2`, { method: 'PUT', body: { url: 'http://127.0.0.1:12' } });
    await eventually('the source after a second registration', async () => [...source.current()].sort(), (urls) => urls.length === 2, WAIT_MS);
  } finally {
    source.close();
  }
  const unreachable = await within(
    'registrySource with an unreachable registry did not resolve: resolve with an empty list when the first read fails',
    registrySource('http://127.0.0.1:1', 'inventory', 50, quiet),
    WAIT_MS,
  );
  assert.deepEqual(unreachable.current(), [], 'an unreachable registry gives an empty list, not an exception');
  unreachable.close();
});

test('instances register themselves; SIGTERM deregisters at once, SIGKILL expires after the TTL', { timeout: TEST_TIMEOUT_MS }, async () => {
  // The catalogs reach the registry through a proxy: its log shows, in order, what each one sent.
  const proxy = await registryProxy('registry-proxy-catalogs');
  const env = { REGISTRY_URL: proxy.url };
  const [a, b, c] = await Promise.all([shop.start('catalog', { env }), shop.start('catalog', { env }), shop.start('catalog', { env })]);
  assert.ok(a && b && c);
  await shop.waitRegistered('catalog', (urls) => urls.length === 3);
  const sent = (method: string, name: string): ProxyEvent[] => proxy.events().filter((e) => e.method === method && e.path.endsWith(`/${name}`));

  // SIGTERM: the DELETE reaches the registry before the process exits (the proxy logs it on arrival).
  const code = await within(`${a.name} did not exit after SIGTERM: deregister, drain, then exit 0`, a.process.kill('SIGTERM'), WAIT_MS);
  assert.equal(code, 0, `exit code after SIGTERM: ${a.process.stderr}`);
  assert.equal(sent('DELETE', a.name).length, 1, `${a.name} exited after SIGTERM without sending the registry a DELETE: deregister before exiting`);
  assert.ok(!(await shop.listed('catalog')).includes(a.url), `${a.name} still listed after its graceful stop: deregister before exiting`);

  // SIGKILL: no goodbye. The registry drops it once its last renewal is a TTL old: not before
  // (judged against the last heartbeat the proxy saw arrive), and not never (the test's timeout).
  await b.process.kill('SIGKILL');
  await shop.waitRegistered('catalog', (urls) => !urls.includes(b.url), WAIT_MS).catch((error: unknown) => {
    assert.fail(`${b.name} was killed with SIGKILL and is still listed (${String(error)}): list only instances renewed less than the TTL ago`);
  });
  const droppedBy = performance.now();
  const lastRenewal = Math.max(...sent('PUT', b.name).map((e) => e.at));
  // 2 ms of slack: the registry's clock counts whole milliseconds.
  assert.ok(
    droppedBy - lastRenewal >= REGISTRY_TTL_MS - 2,
    `${b.name} was dropped ${(droppedBy - lastRenewal).toFixed(0)} ms after its last heartbeat reached the registry, with a TTL of ${REGISTRY_TTL_MS} ms: an instance is live until its lease runs out`,
  );
  assert.deepEqual(await shop.listed('catalog'), [c.url], `${c.name} heartbeats and must stay listed`);
});
