// A scenario's cast: one tracker, peers as processes each behind its own proxy, a shared event
// log and a temp folder. close() ends every process and proxy it started and removes the folder.
import { join } from 'node:path';
import { makeTempDir, removeTempDir, writeSeededFile } from './files.ts';
import { EventLog, Proxy, type ProxyOptions } from './proxy.ts';
import { NodeProcess, startPeerProcess, startTrackerProcess, type TrackerProcess } from './processes.ts';
import type { Random } from './random.ts';
import { trackerLookup } from './wire.ts';

export type ProxyShape = Omit<ProxyOptions, 'random' | 'log' | 'name'>;

export interface ClusterPeerOptions {
  readonly name: string;
  readonly file: string;
  readonly chunkSize: number;
  readonly only?: string;
  /** Announce to the cluster's tracker (default true when there is one). */
  readonly announce?: boolean;
  readonly heartbeatMs?: number;
  /** Shape of the proxy in front of the peer; `false` for none (the peer is reached directly). */
  readonly proxy?: ProxyShape | false;
  readonly gossip?: { readonly seeds: readonly string[]; readonly intervalMs: number; readonly ttlMs: number };
}

export interface ClusterPeer {
  readonly name: string;
  readonly process: NodeProcess;
  readonly proxy: Proxy | undefined;
  /** What downloaders connect to: the proxy when there is one. */
  readonly address: string;
  readonly port: number;
  readonly roots: readonly string[];
  readonly gossip?: string;
  kill(): Promise<void>;
}

export class Cluster {
  readonly random: Random;
  readonly log = new EventLog();
  readonly dir: string;
  tracker: TrackerProcess | undefined;
  readonly peers: ClusterPeer[] = [];
  readonly #processes: NodeProcess[] = [];
  readonly #proxies: Proxy[] = [];

  private constructor(random: Random, dir: string) {
    this.random = random;
    this.dir = dir;
  }

  static async create(label: string, random: Random): Promise<Cluster> {
    return new Cluster(random, await makeTempDir(label));
  }

  /** A seeded file of `size` bytes in the cluster's folder; returns its path and content. */
  async file(name: string, size: number): Promise<{ path: string; content: Buffer }> {
    const path = join(this.dir, name);
    const content = await writeSeededFile(path, size, this.random.fork(`file:${name}`));
    return { path, content };
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  async startTracker(ttlMs: number): Promise<TrackerProcess> {
    const tracker = await startTrackerProcess({ ttlMs });
    this.#processes.push(tracker.process);
    this.tracker = tracker;
    return tracker;
  }

  /** Adopts a process started elsewhere, so close() ends it too. */
  adopt(process: NodeProcess): NodeProcess {
    this.#processes.push(process);
    return process;
  }

  async startProxy(name: string, shape: ProxyShape): Promise<Proxy> {
    const proxy = await Proxy.start({ ...shape, name, log: this.log, random: this.random.fork(`proxy:${name}`) });
    this.#proxies.push(proxy);
    return proxy;
  }

  async startPeer(options: ClusterPeerOptions): Promise<ClusterPeer> {
    const proxy = options.proxy === false ? undefined : await this.startProxy(options.name, options.proxy ?? {});
    const announce = options.announce ?? this.tracker !== undefined;
    const started = await startPeerProcess({
      name: options.name,
      file: options.file,
      chunkSize: options.chunkSize,
      only: options.only,
      advertise: proxy?.address,
      tracker: announce ? this.tracker?.address : undefined,
      heartbeatMs: options.heartbeatMs,
      gossip: options.gossip,
    }).catch((error: unknown) => {
      void proxy?.close();
      throw error;
    });
    this.#processes.push(started.process);
    proxy?.setTarget(started.port);
    const peer: ClusterPeer = {
      name: options.name,
      process: started.process,
      proxy,
      address: proxy ? proxy.address : `127.0.0.1:${started.port}`,
      port: started.port,
      roots: started.roots,
      gossip: started.gossip,
      kill: async () => {
        proxy?.die();
        await started.process.kill();
      },
    };
    this.peers.push(peer);
    return peer;
  }

  /** After `chunks` more chunks leave the peer, it dies in the middle of the next one. */
  dieAfterChunks(peer: ClusterPeer, chunks: number): Promise<void> {
    if (!peer.proxy) {
      throw new Error(`${peer.name} has no proxy`);
    }
    return new Promise((resolve) => {
      peer.proxy!.dieAfterChunks(chunks, () => {
        void peer.process.kill().then(resolve);
      });
    });
  }

  /** Polls the tracker (by hand, not through src/) until `check` holds for the peers it lists. */
  async waitTracker(root: string, check: (peers: string[]) => boolean, timeoutMs = 15_000): Promise<string[]> {
    if (!this.tracker) {
      throw new Error('no tracker');
    }
    const deadline = Date.now() + timeoutMs;
    let last: string[] = [];
    for (;;) {
      last = await trackerLookup(this.tracker.port, root).catch(() => last);
      if (check(last)) {
        return last;
      }
      if (Date.now() > deadline) {
        throw new Error(`tracker still lists [${last.join(', ')}] after ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#processes.map((proc) => proc.kill()));
    await Promise.all(this.#proxies.map((proxy) => proxy.close()));
    await removeTempDir(this.dir);
  }
}
