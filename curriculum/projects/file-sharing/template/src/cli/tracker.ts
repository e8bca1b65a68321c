// `npm run tracker -- [--port 7000] [--ttl 3000]`: a tracker on 127.0.0.1. Prints
// `READY {"port":n}` once it listens.
import { parseArgs } from 'node:util';
import { startTracker } from '../tracker.ts';
import { numberOption, runMain } from './options.ts';

runMain(async () => {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '7000' },
      ttl: { type: 'string' },
    },
  });
  const tracker = await startTracker({
    host: values.host,
    port: numberOption(values.port, 'port', 7000),
    ttlMs: numberOption(values.ttl, 'ttl', 3000),
  });
  console.log(`READY ${JSON.stringify({ port: tracker.port })}`);
  const stop = (): void => {
    void tracker.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
