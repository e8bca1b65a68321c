// Milestone 1: one service done right. loadConfig on good and bad environments; startService in
// this process with a handler the test holds open, to watch a shutdown drain it; then the
// inventory service as a process: JSON logs, health and readiness, a bad environment refused at
// start, and SIGTERM in the middle of a request: the request completes, the process exits 0.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, test } from 'node:test';
import { CONFIG_SPECS } from '../src/config.ts';
import { ConfigError, loadConfig } from '../src/lib/config.ts';
import { HttpError, type Route } from '../src/lib/http.ts';
import { createLogger, type Logger } from '../src/lib/log.ts';
import { startService, type Service } from '../src/lib/service.ts';
import { ask, within, type Answer } from '../harness/client.ts';
import { ServiceProcess } from '../harness/processes.ts';
import { createRandom, seedFromEnv } from '../harness/random.ts';

const random = createRandom(seedFromEnv(), 'm1');
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) {
    await cleanup();
  }
});

const quiet: Logger = createLogger('test', { write: () => undefined });

test('loadConfig applies defaults and parses ints, URL lists and levels', () => {
  const port = random.int(1024, 65535);
  const config = loadConfig(CONFIG_SPECS.gateway, {
    PORT: String(port),
    LOG_LEVEL: 'debug',
    CATALOG_URL: ' http://catalog-a:8080/ , http://catalog-b:8080',
    UNRELATED: 'ignored',
  });
  assert.equal(config.PORT, port);
  assert.equal(config.HOST, '0.0.0.0', 'HOST falls back to its default');
  assert.equal(config.SHUTDOWN_GRACE_MS, 10000, 'defaults are parsed like set values');
  assert.equal(config.LOG_LEVEL, 'debug');
  assert.deepEqual(config.CATALOG_URL, ['http://catalog-a:8080', 'http://catalog-b:8080']);
  assert.equal('ORDERS_URL' in config && config.ORDERS_URL !== undefined, false, 'an optional variable without default is absent');
  assert.equal('UNRELATED' in config, false);
  assert.equal(loadConfig(CONFIG_SPECS.gateway, { PORT: '' }).PORT, 8080, 'an empty variable counts as unset');
});

test('loadConfig names every variable at fault in one ConfigError', () => {
  const spec = [...CONFIG_SPECS.inventory, { name: 'DATABASE_URL', kind: 'url' as const, description: 'test only' }];
  const bad = { PORT: random.pick(['80a', '1.5', '-1', 'eighty']), LOG_LEVEL: 'loud', REGISTRY_URL: 'registry:8080' };
  assert.throws(
    () => loadConfig(spec, bad),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
      for (const name of ['PORT', 'LOG_LEVEL', 'REGISTRY_URL', 'DATABASE_URL']) {
        assert.ok(
          error.problems.some((p) => p.startsWith(name)),
          `no problem starting with ${name} in ${JSON.stringify(error.problems)}`,
        );
      }
      assert.equal(error.problems.length, 4, JSON.stringify(error.problems));
      return true;
    },
  );
});

/** A service in this process whose GET /slow waits until the test releases it. */
async function serviceWithSlowRoute(graceMs: number): Promise<{ service: Service; release: () => void; entered: Promise<void> }> {
  let release = (): void => undefined;
  let entered = (): void => undefined;
  const enteredPromise = new Promise<void>((resolve) => (entered = resolve));
  const held = new Promise<void>((resolve) => (release = resolve));
  let notReady = false;
  const routes: Route[] = [
    {
      method: 'GET',
      path: '/slow',
      handler: async () => {
        entered();
        await held;
        return { status: 200, body: { done: true } };
      },
    },
    { method: 'GET', path: '/items/:id', handler: async ({ params }) => ({ status: 200, body: { id: params.id } }) },
    { method: 'GET', path: '/teapot', handler: async () => Promise.reject(new HttpError(418, 'short and stout')) },
    { method: 'GET', path: '/boom', handler: async () => Promise.reject(new Error('a bug')) },
    {
      method: 'POST',
      path: '/not-ready',
      handler: async () => {
        notReady = true;
        return { status: 204 };
      },
    },
  ];
  const service = await startService({
    name: 'test',
    instanceId: 'test-1',
    host: '127.0.0.1',
    port: 0,
    routes,
    log: quiet,
    shutdownGraceMs: graceMs,
    ready: () => !notReady,
  });
  cleanups.push(() => service.shutdown());
  return { service, release, entered: enteredPromise };
}

test('health, readiness, routes, errors as JSON, and the instance header', async () => {
  const { service } = await serviceWithSlowRoute(2000);
  const health = await ask(`${service.url}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(health.json, { status: 'ok' });
  assert.equal((await ask(`${service.url}/readyz`)).status, 200);
  const item = await ask(`${service.url}/items/a%20b`);
  assert.deepEqual(item.json, { id: 'a b' });
  assert.equal(item.headers['x-instance-id'], 'test-1');
  const teapot = await ask(`${service.url}/teapot`);
  assert.equal(teapot.status, 418);
  assert.deepEqual(teapot.json, { error: 'short and stout' });
  const boom = await ask(`${service.url}/boom`);
  assert.equal(boom.status, 500);
  assert.ok(!boom.text.includes('a bug'), 'a 500 must not leak internal error messages');
  assert.equal((await ask(`${service.url}/nowhere`)).status, 404);
  await ask(`${service.url}/not-ready`, { method: 'POST' });
  assert.equal((await ask(`${service.url}/readyz`)).status, 503, 'readiness follows the ready() condition');
  assert.equal((await ask(`${service.url}/healthz`)).status, 200, 'not ready is not unhealthy');
});

// The drain and the grace are judged by the order of events, never by a stopwatch: a slow machine
// only makes these tests longer, and each test's own timeout is the only clock.
const TEST_TIMEOUT_MS = 60_000;
/** Longer than a test may take, yet finite, so that a failed test's file still ends. */
const OUTLASTS_TEST_MS = 2 * TEST_TIMEOUT_MS;
/** How long a test waits for one event of yours before it fails saying which: far more than it takes. */
const WAIT_MS = 20_000;

/** Waits until the handler of GET /slow runs; fails at once if the request is answered without it. */
async function handlerEntered(entered: Promise<void>, request: Promise<Answer>): Promise<void> {
  const answered = request.then((answer) => {
    throw new Error(`GET /slow was answered ${answer.status} ${answer.error ?? answer.text} before its handler ran: route each request to its handler`);
  });
  await within('the handler of GET /slow never ran: route each request to its handler', Promise.race([entered, answered]), WAIT_MS);
}

test('shutdown drains: the request in flight completes, new connections are refused, then it resolves', { timeout: TEST_TIMEOUT_MS }, async () => {
  // A grace longer than the test: only the request finishing can end this drain.
  const { service, release, entered } = await serviceWithSlowRoute(OUTLASTS_TEST_MS);
  const inFlight = ask(`${service.url}/slow`, { timeoutMs: OUTLASTS_TEST_MS });
  await handlerEntered(entered, inFlight);
  let resolved = false;
  const stopping = service.shutdown().then(() => (resolved = true));
  // Released whatever happens: with this grace, a request held open would hold the file open too.
  try {
    await new Promise((resolve) => setImmediate(resolve));
    const refused = await ask(`${service.url}/healthz`, { timeoutMs: 2000 });
    assert.equal(refused.status, 0, `a new connection during the drain should be refused, got ${refused.status}`);
    assert.equal(resolved, false, 'shutdown() resolved while a request was still in flight');
  } finally {
    release();
  }
  const answer = await within('the request in flight got no answer once its handler finished: let it complete during the drain', inFlight, WAIT_MS);
  assert.equal(answer.status, 200, `the request in flight should complete, got ${answer.status} ${answer.error ?? ''}`);
  assert.deepEqual(answer.json, { done: true });
  await within('shutdown() did not resolve once the last request completed: resolve when the server has closed', stopping, WAIT_MS);
});

test('shutdown cuts what is still running after the grace period', { timeout: TEST_TIMEOUT_MS }, async () => {
  // The handler never finishes and the client waits longer than the test: only the grace can end
  // this shutdown. Without a cut the test times out (and its file ends when the client gives up).
  const { service, entered } = await serviceWithSlowRoute(300);
  const stuck = ask(`${service.url}/slow`, { timeoutMs: OUTLASTS_TEST_MS });
  await handlerEntered(entered, stuck);
  await within(
    'shutdown() with a request that never finishes did not resolve: after shutdownGraceMs, close the connections still open and resolve',
    service.shutdown(),
    WAIT_MS,
  );
  const cut = await within('the stuck request was not cut when shutdown() resolved: destroy the connections still open after the grace', stuck, WAIT_MS);
  assert.equal(cut.status, 0, `the stuck request should be cut at the grace, got ${cut.status}`);
});

function startInventory(env: Record<string, string> = {}): ServiceProcess {
  // A grace longer than the test: a request in flight can only be ended by its own completion.
  const proc = new ServiceProcess('inventory', 'inventory', { SHUTDOWN_GRACE_MS: String(OUTLASTS_TEST_MS), ...env });
  cleanups.push(() => proc.kill());
  return proc;
}

test('a service process logs JSON lines, answers health and readiness, and refuses a bad environment', async () => {
  const proc = startInventory();
  const port = await proc.listening();
  assert.equal((await ask(`http://127.0.0.1:${port}/healthz`)).status, 200);
  assert.equal((await ask(`http://127.0.0.1:${port}/readyz`)).status, 200);
  assert.equal((await ask(`http://127.0.0.1:${port}/stock/p1`)).status, 200);
  await proc.waitLog('a "request" line', (line) => line.msg === 'request');
  for (const line of proc.logs) {
    assert.ok(!('notJson' in line), `stdout must be JSON lines, got: ${String(line.notJson)}`);
    for (const field of ['time', 'level', 'service', 'msg']) {
      assert.ok(field in line, `log line without "${field}": ${JSON.stringify(line)}`);
    }
  }
  const bad = new ServiceProcess('inventory-bad', 'inventory', { PORT: 'eighty' });
  cleanups.push(() => bad.kill());
  const code = await within('the process with PORT=eighty did not exit: refuse a bad environment at start (log it, exit 1)', bad.exited, WAIT_MS);
  assert.notEqual(code, 0, 'a bad PORT must stop the process');
  assert.ok(
    bad.logs.some((line) => JSON.stringify(line).includes('PORT')),
    `the process should log a line naming PORT; it logged ${JSON.stringify(bad.logs)} ${bad.stderr}`,
  );
});

test('SIGTERM in the middle of a request: the request completes and the process exits 0', { timeout: TEST_TIMEOUT_MS }, async () => {
  const proc = startInventory();
  const port = await proc.listening();
  assert.equal((await ask(`http://127.0.0.1:${port}/readyz`)).status, 200);
  // A reservation whose body arrives in two parts: the request is in flight between them. The
  // server's "100 Continue" says it has read the headers, so SIGTERM comes mid-request for sure.
  const body = JSON.stringify({ productId: 'p2', quantity: 1 });
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let answer = '';
  let wake = (): void => undefined;
  socket.setEncoding('utf8').on('data', (text: string) => {
    answer += text;
    wake();
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(
    `POST /reservations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIdempotency-Key: k-${random.int(1, 1e9)}\r\n` +
      `Expect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
  );
  while (!answer.includes('100 Continue')) {
    await within(
      `no "100 Continue" for a request that asked for one (got ${JSON.stringify(answer.slice(0, 200))}): serve requests with node:http's server`,
      Promise.race([new Promise<void>((resolve) => (wake = resolve)), closed]),
      WAIT_MS,
    );
    assert.ok(!socket.closed, `the connection closed before "100 Continue": ${answer}`);
  }
  const mark = proc.logs.length;
  proc.child.kill('SIGTERM');
  await proc.waitLog('"draining" after SIGTERM', (line) => line.msg === 'draining', undefined, mark);
  assert.equal((await ask(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 2000 })).status, 0, 'new connections are refused while draining');
  socket.write(body.slice(10));
  await within('the connection of the request in flight was never closed after SIGTERM: answer it, then close it and exit', closed, WAIT_MS);
  assert.match(answer, /HTTP\/1\.1 201/, `the request in flight should get its 201, got: ${answer.slice(0, 300) || 'nothing'}`);
  const code = await within('the process did not exit after its last request completed: stop every timer and server, then exit 0', proc.exited, WAIT_MS);
  assert.equal(code, 0, `exit code after SIGTERM: ${proc.stderr}`);
  assert.ok(proc.logs.some((line) => line.msg === 'stopped'), 'no "stopped" log line');
});
