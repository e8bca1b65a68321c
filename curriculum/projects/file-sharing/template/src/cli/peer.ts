// `npm run peer -- --share <file or folder> [--port 7001] [--tracker 127.0.0.1:7000]
// [--gossip-port 7101 --gossip-seeds 127.0.0.1:7102]`: a peer that serves files and announces
// them. Prints `READY {"port":n,"roots":[…],"gossip":"host:port"}` once it serves.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CHUNK_SIZE, buildManifest } from '../chunking.ts';
import { startGossip, type GossipNode } from '../gossip.ts';
import { startPeer, type SharedFile } from '../peer.ts';
import { startAnnouncer, type Announcer } from '../tracker.ts';
import { listOption, numberOption, parseRanges, runMain } from './options.ts';

async function filesToShare(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) {
      for (const entry of await readdir(path, { withFileTypes: true })) {
        if (entry.isFile()) {
          files.push(join(path, entry.name));
        }
      }
    } else {
      files.push(path);
    }
  }
  return files;
}

runMain(async () => {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      share: { type: 'string', multiple: true, default: [] },
      'chunk-size': { type: 'string' },
      only: { type: 'string' },
      advertise: { type: 'string' },
      tracker: { type: 'string' },
      heartbeat: { type: 'string' },
      'gossip-port': { type: 'string' },
      'gossip-seeds': { type: 'string' },
      'gossip-interval': { type: 'string' },
      'gossip-ttl': { type: 'string' },
    },
  });
  const chunkSize = numberOption(values['chunk-size'], 'chunk-size', DEFAULT_CHUNK_SIZE);
  const only = values.only === undefined ? undefined : new Set(parseRanges(values.only));
  const files: SharedFile[] = [];
  for (const path of await filesToShare(values.share)) {
    files.push({ manifest: await buildManifest(path, { chunkSize }), path, have: only });
  }
  const server = await startPeer({ files, host: values.host, port: numberOption(values.port, 'port', 0) });
  const advertise = values.advertise ?? `${values.host}:${server.port}`;
  const roots = files.map((file) => file.manifest.root);

  let announcer: Announcer | undefined;
  if (values.tracker !== undefined) {
    let complained = false;
    announcer = startAnnouncer({
      tracker: values.tracker,
      peer: advertise,
      roots,
      intervalMs: numberOption(values.heartbeat, 'heartbeat', 1000),
      onError: (error) => {
        // Once is enough: a tracker that is down stays down for a while.
        if (!complained) {
          complained = true;
          console.error(`announce to ${values.tracker} failed: ${error.message}`);
        }
      },
    });
  }
  let gossip: GossipNode | undefined;
  if (values['gossip-port'] !== undefined) {
    gossip = await startGossip({
      host: values.host,
      port: numberOption(values['gossip-port'], 'gossip-port', 0),
      seeds: listOption(values['gossip-seeds']),
      self: { peer: advertise, roots },
      intervalMs: numberOption(values['gossip-interval'], 'gossip-interval', 200),
      ttlMs: numberOption(values['gossip-ttl'], 'gossip-ttl', 2000),
    });
  }
  console.log(`READY ${JSON.stringify({ port: server.port, roots, gossip: gossip?.address })}`);
  for (const file of files) {
    console.error(`sharing ${file.manifest.name} as ${file.manifest.root} (${file.manifest.hashes.length} chunks) at ${advertise}`);
  }
  const stop = (): void => {
    announcer?.stop();
    void Promise.all([server.close(), gossip?.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
