// Milestone 2: service discovery. RegistryStore's rules on a fake clock; the registry service's
// HTTP API read by the harness's own client; then catalog processes that register, heartbeat,
// deregister on SIGTERM (gone at once) and, killed with SIGKILL, expire after the TTL.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { RegistryStore, registrySource, startRegistration } from '../src/lib/discovery.ts';
import { createLogger } from '../src/lib/log.ts';
import { ask, eventually } from '../harness/client.ts';
import { createRandom, seedFromEnv } from '../harness/random.ts';
import { REGISTRY_TTL_MS, Shop } from '../harness/shop.ts';

const random = createRandom(seedFromEnv(), 'm2');
const shop = new Shop(random);
after(() => shop.close());
const quiet = createLogger('test', { write: () => undefined });

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

test('startRegistration heartbeats, survives a failed heartbeat, and deregisters on stop', async () => {
  const registryUrl = shop.registry!.url;
  const registration = await startRegistration({ registryUrl, service: 'orders', id: 'o1', url: 'http://127.0.0.1:7', heartbeatMs: 100, log: quiet });
  // Stopped whatever happens: a heartbeat left running would keep this test file from ever exiting.
  let stopped = false;
  try {
    assert.deepEqual(await shop.listed('orders'), ['http://127.0.0.1:7'], 'registered before startRegistration resolved');
    // Two TTLs later it is still there: the heartbeats renew it.
    await new Promise((resolve) => setTimeout(resolve, 2 * REGISTRY_TTL_MS));
    assert.deepEqual(await shop.listed('orders'), ['http://127.0.0.1:7'], 'expired although it heartbeats');
    // The registry forgets it (as after a registry restart): the next heartbeat brings it back.
    await ask(`${registryUrl}/services/orders/o1`, { method: 'DELETE' });
    await shop.waitRegistered('orders', (urls) => urls.length === 1, 2000);
    stopped = true;
    await registration.stop();
    assert.deepEqual(await shop.listed('orders'), [], 'stop() must deregister');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(await shop.listed('orders'), [], 'a heartbeat came after stop()');
  } finally {
    if (!stopped) {
      await registration.stop().catch(() => undefined);
    }
  }
  await assert.rejects(
    startRegistration({ registryUrl: 'http://127.0.0.1:1', service: 'orders', id: 'o2', url: 'http://127.0.0.1:8', heartbeatMs: 100, log: quiet }),
    'startRegistration must reject when the first registration fails',
  );
});

test('registrySource follows the registry and keeps its last list while the registry is unreachable', async () => {
  const registryUrl = shop.registry!.url;
  await ask(`${registryUrl}/services/inventory/v1`, { method: 'PUT', body: { url: 'http://127.0.0.1:11' } });
  const source = await registrySource(registryUrl, 'inventory', 50, quiet);
  try {
    assert.deepEqual(source.current(), ['http://127.0.0.1:11'], 'the first read is done when registrySource resolves');
    await ask(`${registryUrl}/services/inventory/v2`, { method: 'PUT', body: { url: 'http://127.0.0.1:12' } });
    await eventually('the source after a second registration', async () => [...source.current()].sort(), (urls) => urls.length === 2, 3000);
  } finally {
    source.close();
  }
  const unreachable = await registrySource('http://127.0.0.1:1', 'inventory', 50, quiet);
  assert.deepEqual(unreachable.current(), [], 'an unreachable registry gives an empty list, not an exception');
  unreachable.close();
});

test('instances register themselves; SIGTERM deregisters at once, SIGKILL expires after the TTL', async () => {
  const [a, b, c] = await Promise.all([shop.start('catalog'), shop.start('catalog'), shop.start('catalog')]);
  assert.ok(a && b && c);
  await shop.waitRegistered('catalog', (urls) => urls.length === 3);
  const mark = Date.now();
  assert.equal(await a.process.kill('SIGTERM'), 0, `exit code after SIGTERM: ${a.process.stderr}`);
  const afterTerm = await shop.listed('catalog');
  assert.ok(!afterTerm.includes(a.url), `${a.name} still listed right after a graceful stop (${Date.now() - mark} ms): deregister before exiting`);
  const killed = Date.now();
  await b.process.kill('SIGKILL');
  const listed = await shop.listed('catalog');
  assert.ok(listed.includes(b.url) || Date.now() - killed > REGISTRY_TTL_MS / 2, 'an instance killed without goodbye is dropped by its TTL only');
  await shop.waitRegistered('catalog', (urls) => !urls.includes(b.url), REGISTRY_TTL_MS * 4);
  const gone = Date.now() - killed;
  assert.ok(gone < REGISTRY_TTL_MS * 3, `the killed instance took ${gone} ms to expire with a ${REGISTRY_TTL_MS} ms TTL`);
  assert.deepEqual(await shop.listed('catalog'), [c.url]);
});
