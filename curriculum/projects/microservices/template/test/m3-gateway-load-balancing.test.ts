// Milestone 3: client-side load balancing. The Balancer's rules on a fake clock; Upstream failing
// over from a dead instance in this process; then the real thing: a registry, three catalog
// processes and the gateway under a steady load of GET /products. One catalog is killed with
// SIGKILL: once the registry has dropped it (its TTL ran out) no request may fail. Then one is
// stopped with SIGTERM: it deregisters and drains, so no request fails at all.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { Balancer } from '../src/lib/balancer.ts';
import { staticSource } from '../src/lib/discovery.ts';
import { createLogger } from '../src/lib/log.ts';
import { CircuitBreaker } from '../src/lib/resilience.ts';
import { Upstream } from '../src/lib/upstream.ts';
import { ask, eventually, within } from '../harness/client.ts';
import { failed, figures, formatFigures, runLoad, type Sample } from '../harness/load.ts';
import { createRandom, seedFromEnv } from '../harness/random.ts';
import { Shop } from '../harness/shop.ts';

const random = createRandom(seedFromEnv(), 'm3');
const shop = new Shop(random);
const servers: Server[] = [];
after(async () => {
  await shop.close();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});
const quiet = createLogger('test', { write: () => undefined });

/** An HTTP server in this process answering 200 {"from": name}; and a URL where nothing listens. */
async function tinyServer(name: string): Promise<string> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ from: name })));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return url;
}

test('Balancer: round robin, exclusions, ejection for ejectMs, and a last resort', () => {
  const urls = ['http://a:1', 'http://b:1', 'http://c:1'];
  let now = random.int(0, 1e9);
  const balancer = new Balancer(staticSource(urls), { ejectMs: 1000, now: () => now });
  const first = Array.from({ length: 30 }, () => balancer.pick() as string);
  for (const url of urls) {
    assert.equal(first.filter((u) => u === url).length, 10, `round robin: ${url} picked ${first.filter((u) => u === url).length} times of 30`);
  }
  for (let i = 0; i + 1 < first.length; i++) {
    assert.notEqual(first[i], first[i + 1], 'round robin never picks the same instance twice in a row with three');
  }
  assert.equal(balancer.pick(new Set(['http://a:1', 'http://b:1'])), 'http://c:1');
  assert.equal(balancer.pick(new Set(urls)), undefined, 'every instance excluded: undefined');
  const bad = random.pick(urls);
  balancer.reportFailure(bad);
  const during = Array.from({ length: 20 }, () => balancer.pick());
  assert.ok(!during.includes(bad), `${bad} failed and is still picked`);
  now += 999;
  assert.ok(!Array.from({ length: 6 }, () => balancer.pick()).includes(bad), `${bad} back before ejectMs`);
  now += 1;
  assert.ok(Array.from({ length: 6 }, () => balancer.pick()).includes(bad), `${bad} not back after ejectMs`);
  for (const url of urls) {
    balancer.reportFailure(url);
  }
  assert.ok(urls.includes(balancer.pick() as string), 'all ejected: still return one (a likely failure beats none)');
  balancer.reportSuccess(bad);
  assert.deepEqual(new Set(Array.from({ length: 4 }, () => balancer.pick())), new Set([bad]), 'reportSuccess brings it back at once');
  assert.equal(new Balancer(staticSource([]), { ejectMs: 1000 }).pick(), undefined);
});

test('Upstream fails over from a dead instance; a dead service gives 502, no instance 503', async () => {
  const live = await tinyServer('live');
  const dead = await deadUrl();
  const upstream = new Upstream({
    name: 'tiny',
    balancer: new Balancer(staticSource(random.shuffle([live, dead])), { ejectMs: 60_000 }),
    log: quiet,
    timeoutMs: 2000,
    retry: { attempts: 3, baseMs: 1, maxMs: 5 },
    breaker: new CircuitBreaker({ threshold: 1000, coolDownMs: 1000 }),
  });
  for (let i = 0; i < 10; i++) {
    const answer = await upstream.call('GET', '/x').catch((error: unknown) =>
      assert.fail(`call ${i} over a live and a dead instance failed (${String(error)}): on a refused connection, report the instance and try another`),
    );
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { from: 'live' });
  }
  const onlyDead = new Upstream({
    name: 'tiny',
    balancer: new Balancer(staticSource([dead]), { ejectMs: 60_000 }),
    log: quiet,
    timeoutMs: 2000,
    retry: { attempts: 3, baseMs: 1, maxMs: 5 },
    breaker: new CircuitBreaker({ threshold: 1000, coolDownMs: 1000 }),
  });
  await assert.rejects(onlyDead.call('GET', '/x'), (error: Error & { status?: number }) => error.status === 502, 'a dead service: HttpError 502');
  const none = new Upstream({
    name: 'tiny',
    balancer: new Balancer(staticSource([]), { ejectMs: 60_000 }),
    log: quiet,
    timeoutMs: 2000,
    retry: { attempts: 3, baseMs: 1, maxMs: 5 },
    breaker: new CircuitBreaker({ threshold: 1000, coolDownMs: 1000 }),
  });
  await assert.rejects(none.call('GET', '/x'), (error: Error & { status?: number }) => error.status === 503, 'no instance: HttpError 503');
});

test('three catalogs behind the gateway: one killed under load, no failure after the detection window', { timeout: 60_000 }, async (t) => {
  await shop.startRegistry();
  const [gateway, ...catalogs] = await Promise.all([shop.start('gateway'), shop.start('catalog'), shop.start('catalog'), shop.start('catalog')]);
  await shop.waitRegistered('catalog', (urls) => urls.length === 3);
  assert.ok(gateway);
  // The registry lists all three; the gateway learns of them at its next refresh. Until it has
  // served from each, a request may meet an empty or partial list: that start-up is not measured.
  const served = new Set<string>();
  await eventually(
    'the catalog instances the gateway has served GET /products from',
    async () => {
      const answer = await ask(`${gateway.url}/products`);
      const from = answer.headers['x-upstream-instance'];
      if (answer.status === 200 && typeof from === 'string') {
        served.add(from);
      }
      return [...served].sort();
    },
    (names) => names.length === catalogs.length,
  );
  const victim = random.pick(catalogs);
  const survivors = catalogs.filter((c) => c !== victim);
  // Judged by the order of events, never by a clock: the detection window ends when the registry
  // stops listing the victim (its lease ran out); from then on the gateway may still hold it until
  // its next refresh, but a refused connection is retried on another instance (bounded retries),
  // so no request may fail. The SIGTERM comes after that event too, and the load runs until
  // enough requests have started after each event, however slow the machine.
  let killedAt = Infinity;
  let droppedAt = Infinity;
  let termAt = Infinity;
  const killAfter = random.int(60, 100);
  let late = 0;
  let afterTerm = 0;
  let watching: Promise<void> | undefined;
  let notDropped: unknown;
  // A load that never reaches the kill (every answer slower than 5 s) still ends, and fails below.
  const loadStarted = performance.now();
  const samples = await runLoad({
    url: () => `${gateway.url}/products`,
    concurrency: 4,
    maxRequests: 20_000,
    stop: () => (late >= 60 && afterTerm >= 30) || performance.now() > killedAt + 30_000 || performance.now() > loadStarted + 45_000,
    onAnswer: (sample, answered) => {
      late += sample.start > droppedAt ? 1 : 0;
      afterTerm += sample.start >= termAt ? 1 : 0;
      if (answered === killAfter) {
        killedAt = performance.now();
        void victim.process.kill('SIGKILL');
        watching = shop.waitRegistered('catalog', (urls) => !urls.includes(victim.url), 20_000).then(
          () => {
            droppedAt = performance.now();
          },
          (error: unknown) => {
            notDropped = error;
          },
        );
      }
      if (termAt === Infinity && late >= 30) {
        termAt = performance.now();
        void survivors[0]!.process.kill('SIGTERM');
      }
    },
  });
  assert.ok(killedAt < Infinity, `only ${samples.length} answers in 45 s, fewer than the ${killAfter} after which a catalog is killed: the gateway stalled`);
  await watching;
  assert.ok(droppedAt < Infinity, `the registry still lists ${victim.name} 20 s after its SIGKILL: ${String(notDropped)}`);
  const before = samples.filter((s) => s.end < killedAt);
  const window = samples.filter((s) => s.start >= killedAt && s.start <= droppedAt);
  const settled = samples.filter((s) => s.start > droppedAt);
  const describe = (list: Sample[]): string => list.filter(failed).slice(0, 3).map((s) => `#${s.index} ${s.status} ${s.error ?? ''}`).join('; ');
  t.diagnostic(formatFigures('whole run', figures(samples)));
  t.diagnostic(formatFigures(`from the kill until the registry dropped the victim (${(droppedAt - killedAt).toFixed(0)} ms)`, figures(window)));
  t.diagnostic(formatFigures('after the registry dropped it', figures(settled)));
  assert.equal(before.filter(failed).length, 0, `requests failed before the kill, with every catalog up: ${describe(before)}`);
  assert.deepEqual(
    new Set(before.map((s) => s.instance)),
    new Set(catalogs.map((c) => c.name)),
    'before the kill, every catalog instance should serve requests: balance over all of them',
  );
  assert.ok(settled.length >= 60, `only ${settled.length} requests after the registry dropped the killed instance, in 30 s: the load stalled`);
  assert.equal(
    settled.filter(failed).length,
    0,
    `requests failed after the registry dropped the killed instance (a refused connection must be retried on another instance): ${describe(settled)}`,
  );
  const stopping = samples.filter((s) => s.start >= termAt);
  assert.ok(stopping.length >= 30, `only ${stopping.length} requests after the SIGTERM: the load stalled`);
  assert.equal(stopping.filter(failed).length, 0, `a graceful stop (SIGTERM) must fail no request: ${describe(stopping)}`);
  const code = await within(`${survivors[0]!.name} did not exit after SIGTERM: deregister, drain, then exit 0`, survivors[0]!.process.exited, 20_000);
  assert.equal(code, 0, `exit code after SIGTERM: ${survivors[0]!.process.stderr}`);
});
