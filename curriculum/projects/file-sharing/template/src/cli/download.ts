// `npm run download -- --root <hex> --out <file> [--tracker 127.0.0.1:7000]
// [--gossip-seeds host:port,…] [--peers host:port,…]`: downloads a file by its root. Run it again
// after a crash and it resumes. With --events it prints one `EVENT {json}` line per event, and
// `DONE {json}` (the report) at the end; the harness reads those. With --serve-port it serves
// what it verified to other downloaders (and announces it), and with --seed it goes on serving
// the complete file until stopped.
import { parseArgs } from 'node:util';
import { download } from '../download.ts';
import { listOption, numberOption, runMain } from './options.ts';

runMain(async () => {
  const { values } = parseArgs({
    options: {
      root: { type: 'string' },
      out: { type: 'string' },
      tracker: { type: 'string' },
      'gossip-seeds': { type: 'string' },
      peers: { type: 'string' },
      'request-timeout': { type: 'string' },
      rediscover: { type: 'string' },
      'give-up': { type: 'string' },
      events: { type: 'boolean', default: false },
      'serve-port': { type: 'string' },
      advertise: { type: 'string' },
      heartbeat: { type: 'string' },
      seed: { type: 'boolean', default: false },
    },
  });
  if (values.root === undefined || values.out === undefined) {
    throw new Error(
      'usage: download --root <hex> --out <file> [--tracker host:port] [--gossip-seeds …] [--peers …] [--serve-port n [--advertise host:port] [--seed]]',
    );
  }
  const report = await download({
    root: values.root,
    out: values.out,
    tracker: values.tracker,
    gossipSeeds: listOption(values['gossip-seeds']),
    peers: listOption(values.peers),
    requestTimeoutMs: values['request-timeout'] === undefined ? undefined : numberOption(values['request-timeout'], 'request-timeout', 5000),
    rediscoverMs: values.rediscover === undefined ? undefined : numberOption(values.rediscover, 'rediscover', 1000),
    giveUpMs: values['give-up'] === undefined ? undefined : numberOption(values['give-up'], 'give-up', 20000),
    serve:
      values['serve-port'] === undefined
        ? undefined
        : {
            port: numberOption(values['serve-port'], 'serve-port', 0),
            advertise: values.advertise,
            heartbeatMs: values.heartbeat === undefined ? undefined : numberOption(values.heartbeat, 'heartbeat', 1000),
          },
    onEvent: (event) => {
      if (values.events) {
        console.log(`EVENT ${JSON.stringify(event)}`);
      } else if (event.type === 'banned' || event.type === 'resumed' || event.type === 'manifest' || event.type === 'serving') {
        console.error(JSON.stringify(event));
      }
    },
  });
  console.log(`DONE ${JSON.stringify({ ...report, seeding: report.seeding?.address })}`);
  const seeding = report.seeding;
  if (seeding !== undefined) {
    if (values.seed) {
      console.error(`seeding at ${seeding.address} until stopped`);
      const stop = (): void => void seeding.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    } else {
      await seeding.stop();
    }
  }
});
