// Given: `npm run node -- --id n1 --port 7001 --data data/n1` starts one node. Alone it serves
// every key (milestone 1); with --members it joins a cluster (milestone 3 on). It prints
// `READY {"port":…}` once it listens: that is how the harness knows it is up.
import { parseArgs } from 'node:util';
import { startNode } from '../node.ts';

const { values } = parseArgs({
  options: {
    id: { type: 'string', default: 'n1' },
    port: { type: 'string', default: '0' },
    data: { type: 'string' },
    'power-loss': { type: 'boolean', default: false },
    members: { type: 'string' },
    peers: { type: 'string', default: '' },
    shards: { type: 'string', default: '8' },
    replicas: { type: 'string', default: '3' },
    heartbeat: { type: 'string', default: '50' },
    election: { type: 'string', default: '300' },
    'request-timeout': { type: 'string', default: '1000' },
  },
});

const id = values.id;
const peers = Object.fromEntries(
  values.peers
    .split(',')
    .filter((entry) => entry !== '')
    .map((entry) => entry.split('=') as [string, string]),
);
const node = await startNode({
  id,
  port: Number(values.port),
  dataDir: values.data ?? `data/${id}`,
  powerLoss: values['power-loss'],
  cluster:
    values.members === undefined
      ? undefined
      : {
          peers,
          members: values.members.split(','),
          shards: Number(values.shards),
          replicas: Number(values.replicas),
          heartbeatMs: Number(values.heartbeat),
          electionMs: Number(values.election),
          requestTimeoutMs: Number(values['request-timeout']),
        },
});
console.log(`READY ${JSON.stringify({ id, port: node.port })}`);
const stop = () => {
  void node.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
