// Milestone 5: a downloader is a peer too. It serves the chunks it has verified to other
// downloaders and announces itself, so that downloaders feed each other and the file survives its
// seeders leaving: a swarm, not a star.
import { startPeer, type SharedFile } from './peer.ts';
import { startAnnouncer, type Announcer } from './tracker.ts';

export interface SeedingOptions {
  /**
   * The file being downloaded: its manifest, where its bytes are (`path` may be a getter: the
   * partial file while downloading, the complete one after), and `have`, the set of verified
   * chunks, which grows while you serve it.
   */
  readonly file: SharedFile;
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** The address to announce (a harness proxy's); `host:port` when absent. */
  readonly advertise?: string;
  /** Announce to this tracker, every heartbeatMs (default 1000). */
  readonly tracker?: string;
  readonly heartbeatMs?: number;
}

export interface Seeding {
  readonly port: number;
  /** The address other peers reach us at: `advertise`, or `host:port`. */
  readonly address: string;
  /** Stops announcing and serving. */
  stop(): Promise<void>;
}

export async function startSeeding(options: SeedingOptions): Promise<Seeding> {
  const host = options.host ?? '127.0.0.1';
  // The same object, not a copy: the peer reads `have` (and `path`) at each request.
  const server = await startPeer({ files: [options.file], host, port: options.port ?? 0 });
  const address = options.advertise ?? `${host}:${server.port}`;
  let announcer: Announcer | undefined;
  if (options.tracker !== undefined) {
    announcer = startAnnouncer({
      tracker: options.tracker,
      peer: address,
      roots: [options.file.manifest.root],
      intervalMs: options.heartbeatMs ?? 1000,
      // A tracker that is down does not stop us serving those who already know us.
      onError: () => undefined,
    });
  }
  let stopped: Promise<void> | undefined;
  return {
    port: server.port,
    address,
    stop: () => {
      stopped ??= (async () => {
        announcer?.stop();
        await server.close();
      })();
      return stopped;
    },
  };
}
