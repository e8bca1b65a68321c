// `npm run cluster -- --nodes 5`: a local cluster behind the harness's proxies, for trying things
// by hand (Ctrl-C stops it and removes its data). With --demo it runs a seeded load instead, kills
// the leader of a shard and restarts it, checks the history and prints the figures.
import { parseArgs } from 'node:util';
import { Cluster } from './cluster.ts';
import { startLoad, verifyRun, whenAcknowledged } from './load.ts';
import { createRandom } from './random.ts';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5' },
    shards: { type: 'string', default: '8' },
    replicas: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    demo: { type: 'boolean', default: false },
  },
});

const random = createRandom(Number(values.seed), 'cluster');
const shards = Number(values.shards);
const cluster = await Cluster.start({ name: 'cli', random, nodes: Number(values.nodes), shards, replicas: Number(values.replicas) });
const statuses = await cluster.statuses();
console.log(`${cluster.members.length} nodes, ${shards} shards of ${values.replicas} replicas, data in ${cluster.dir}`);
for (const id of cluster.members) {
  const led = Object.entries(statuses.find((s) => s.node === id)?.shards ?? {})
    .filter(([, s]) => s.role === 'leader')
    .map(([shard]) => shard);
  console.log(`  ${id}  clients at ${cluster.clientAddress(id)}  leads shard(s) ${led.join(', ') || '-'}`);
}

if (values.demo) {
  const messages = cluster.nodeMessages();
  const stop = new AbortController();
  const run = startLoad(cluster, { clients: 4, keys: 8, operations: 2000, maxMs: 30_000, random: random.fork('load'), signal: stop.signal });
  await whenAcknowledged(run, 200);
  const shard = random.int(0, shards - 1);
  const victim = (await cluster.leaderOf(shard)) as string;
  console.log(`killing ${victim}, leader of shard ${shard}, with SIGKILL`);
  await cluster.kill(victim, run.history);
  await whenAcknowledged(run, run.history.ops.filter((o) => o.outcome === 'ok').length + 200);
  await cluster.startNode(victim);
  await whenAcknowledged(run, run.history.ops.filter((o) => o.outcome === 'ok').length + 200);
  stop.abort();
  await run.done;
  try {
    await verifyRun('demo', cluster, run, messages);
    console.log('history checked: no acknowledged write lost, no stale read, every key linearizable');
  } finally {
    await cluster.close();
  }
} else {
  console.log('try: echo \'{"id":1,"op":"put","key":"a","value":"1"}\' | nc -q1 <address>   (a node that does not lead the key\'s shard names the leader)');
  console.log('Ctrl-C stops the cluster.');
  process.on('SIGINT', () => {
    void cluster.close().then(() => process.exit(0));
  });
}
