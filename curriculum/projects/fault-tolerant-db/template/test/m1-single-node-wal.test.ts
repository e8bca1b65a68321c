// Milestone 1: a single node with a write-ahead log. The state machine and the WAL in this
// process first (they pass on their own, before the node works); then the node as a process,
// started by the first test that needs it: the JSON protocol, and SIGKILL under load, twice,
// with the disk in power-loss mode (src/disk.ts): what was not synced is gone after the kill.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { lostWrites } from '../harness/checks.ts';
import { Connection } from '../harness/client.ts';
import { SingleNode } from '../harness/cluster.ts';
import { History } from '../harness/history.ts';
import { finalValues, reportFigures, startLoad, whenAcknowledged } from '../harness/load.ts';
import { createRandom, seedFromEnv } from '../harness/random.ts';
import { Disk } from '../src/disk.ts';
import { KvState } from '../src/kv.ts';
import { Wal } from '../src/wal.ts';

const random = createRandom(seedFromEnv(), 'm1');
const folders: string[] = [];
let running: SingleNode | undefined;

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fault-tolerant-db-m1-'));
  folders.push(dir);
  return dir;
}

/** The node process, started on first use (so KvState and Wal are checked even before it works). */
async function startedNode(): Promise<SingleNode> {
  if (!running) {
    running = new SingleNode(random.fork('node'));
    await running.start();
  }
  return running;
}

after(async () => {
  await running?.close();
  for (const dir of folders) {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('KvState applies put, get and delete, and a retried operation (same client and seq) only once', () => {
  const kv = new KvState();
  assert.deepEqual(kv.apply({ op: 'get', key: 'a' }), { value: null });
  assert.deepEqual(kv.apply({ op: 'put', key: 'a', value: '1', client: 'c1', seq: 1 }), { value: '1' });
  assert.deepEqual(kv.apply({ op: 'put', key: 'a', value: '2', client: 'c2', seq: 1 }), { value: '2' });
  assert.deepEqual(kv.apply({ op: 'put', key: 'a', value: '1', client: 'c1', seq: 1 }), { value: '1' }, 'the retry answers as the first time did');
  assert.equal(kv.get('a'), '2', 'a retry of c1 seq 1 must not overwrite c2 write that came after it');
  assert.deepEqual(kv.apply({ op: 'delete', key: 'a', client: 'c1', seq: 2 }), { value: null });
  assert.equal(kv.get('a'), null);
});

test('the WAL replays synced records in order after a restart, and ignores a line torn by a crash', () => {
  const dir = folder();
  const disk = new Disk(dir);
  const wal = new Wal<{ n: number }>(disk, 'test.wal');
  const records = Array.from({ length: random.int(20, 60) }, (_, n) => ({ n }));
  for (const record of records) {
    wal.append(record);
  }
  wal.sync();
  disk.append('test.wal', '{"n": 99'); // a crash in the middle of a write
  disk.sync();
  assert.deepEqual(new Wal<{ n: number }>(new Disk(dir), 'test.wal').replay(), records);
});

test('the WAL makes records durable only at sync: in power-loss mode, un-synced records die with the process', () => {
  const dir = folder();
  const disk = new Disk(dir, { powerLoss: true });
  const wal = new Wal<{ n: number }>(disk, 'test.wal');
  wal.append({ n: 1 });
  wal.sync();
  wal.append({ n: 2 });
  // A new Disk on the same folder is what a restarted process sees.
  assert.deepEqual(new Wal<{ n: number }>(new Disk(dir), 'test.wal').replay(), [{ n: 1 }]);
  wal.sync();
  assert.deepEqual(new Wal<{ n: number }>(new Disk(dir), 'test.wal').replay(), [{ n: 1 }, { n: 2 }]);
});

test('the node speaks the JSON line protocol: put, get, delete, and bad requests answered without closing', async () => {
  const node = await startedNode();
  const connection = new Connection(`127.0.0.1:${node.port}`);
  try {
    // A bound, not a race: a node that answers at all answers in milliseconds; 10 s only keeps a
    // node that never answers from hanging the test, and says which request it was.
    const call = async (body: Record<string, unknown>) => {
      const reply = await connection.call(body, 10_000);
      assert.ok(reply, `no answer to ${JSON.stringify(body)} within 10 s: answer every request line with one reply line`);
      return reply;
    };
    assert.deepEqual(await call({ op: 'get', key: 'proto' }), { id: 1, ok: true, value: null });
    assert.deepEqual(await call({ op: 'put', key: 'proto', value: 'x y "z"' }), { id: 2, ok: true, value: 'x y "z"' });
    assert.deepEqual(await call({ op: 'get', key: 'proto' }), { id: 3, ok: true, value: 'x y "z"' });
    assert.deepEqual(await call({ op: 'delete', key: 'proto' }), { id: 4, ok: true, value: null });
    assert.deepEqual(await call({ op: 'get', key: 'proto' }), { id: 5, ok: true, value: null });
    for (const bad of [{ op: 'put', key: 'k' }, { op: 'get' }, { op: 'get', key: '' }, { op: 'explode', key: 'k' }]) {
      const reply = await call(bad);
      assert.equal(reply.ok, false, `${JSON.stringify(bad)} must be refused`);
      assert.equal(!reply.ok && reply.error, 'bad-request');
    }
    assert.deepEqual(await call({ op: 'get', key: 'proto' }), { id: 10, ok: true, value: null }, 'the connection stays usable after bad requests');
  } finally {
    connection.close();
  }
});

test('a node killed with SIGKILL under load and restarted keeps every acknowledged write, twice over', { timeout: 60_000 }, async () => {
  const node = await startedNode();
  const history = new History();
  for (const round of [1, 2]) {
    const stop = new AbortController();
    const run = startLoad(node, { clients: 4, keys: 12, operations: 400, maxMs: 60_000, random: random.fork(`load ${round}`), label: `r${round}c`, reads: 0.2, deletes: 0.1, signal: stop.signal, clientOptions: { deadlineMs: 400 } }, history);
    await whenAcknowledged(run, round * 150 + random.int(0, 100));
    await node.kill();
    stop.abort();
    await run.done;
    await node.start();
    const final = await finalValues(node, run);
    const lost = lostWrites(history.ops, final);
    assert.deepEqual(lost, [], `after kill ${round}, acknowledged writes are missing:\n${lost.slice(0, 5).join('\n')}${node.stderrs()}`);
    reportFigures(`m1 round ${round}`, node, run, 0);
  }
});
