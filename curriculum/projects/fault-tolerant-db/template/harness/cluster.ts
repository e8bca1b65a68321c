// A cluster of node processes on 127.0.0.1 with a LinkProxy on every ordered pair of nodes and
// one in front of each node for the clients, so a test can drop, delay and duplicate messages,
// partition any set of links, SIGKILL a node and restart it on the same port and data folder.
// The control plane (status, the rebalancer's requests) talks to nodes directly, past the proxies.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, AdminBody, ClientReply, NodeStatus } from '../src/protocol.ts';
import { Connection, KvClient, type ClientOptions } from './client.ts';
import type { History } from './history.ts';
import { NodeProcess } from './processes.ts';
import { LinkProxy, type Faults } from './proxy.ts';
import type { Random } from './random.ts';
import { recordMessage } from './runs.ts';
import { nodeSetup, type NodeSetup, type Topology } from './topology.ts';

/** Spares get their proxies at once and start later, with startNode. */
export interface ClusterOptions extends Topology {
  readonly name: string;
  readonly random: Random;
}

const ADMIN_TIMEOUT_MS = 1000;

export class Cluster {
  readonly ids: readonly string[];
  readonly members: readonly string[];
  readonly options: ClusterOptions;
  readonly setup: NodeSetup;
  readonly dir: string;
  readonly #processes = new Map<string, NodeProcess>();
  readonly #ports = new Map<string, number>();
  readonly #links = new Map<string, LinkProxy>();
  readonly #front = new Map<string, LinkProxy>();
  readonly #clients: KvClient[] = [];
  readonly #crashes: number[] = [];

  private constructor(options: ClusterOptions) {
    this.options = options;
    this.setup = nodeSetup(options);
    this.ids = this.setup.ids;
    this.members = this.setup.members;
    this.dir = mkdtempSync(join(tmpdir(), `fault-tolerant-db-${options.name}-`));
  }

  /** Starts the members and waits until every shard has a leader. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(options);
    try {
      for (const from of cluster.ids) {
        cluster.#front.set(from, await LinkProxy.start(`clients>${from}`, options.random.fork(`clients>${from}`)));
        for (const to of cluster.ids.filter((id) => id !== from)) {
          cluster.#links.set(`${from}>${to}`, await LinkProxy.start(`${from}>${to}`, options.random.fork(`${from}>${to}`)));
        }
      }
      await Promise.all(cluster.members.map((id) => cluster.startNode(id)));
      await cluster.waitForLeaders();
    } catch (error) {
      await cluster.close();
      throw error;
    }
    return cluster;
  }

  /** Starts (or restarts, same port and data folder) a node and waits for its READY. */
  async startNode(id: string): Promise<void> {
    const o = this.options;
    const { heartbeatMs, electionMs, requestTimeoutMs } = this.setup;
    recordMessage('harness', `start ${id}`);
    const peers = this.ids.filter((other) => other !== id).map((other) => `${other}=${this.#link(id, other).address}`);
    const proc = new NodeProcess(id, [
      ...['--id', id, '--port', String(this.#ports.get(id) ?? 0), '--data', join(this.dir, id), '--power-loss'],
      ...['--members', this.members.join(','), '--peers', peers.join(','), '--shards', String(o.shards), '--replicas', String(o.replicas)],
      ...['--heartbeat', String(heartbeatMs), '--election', String(electionMs), '--request-timeout', String(requestTimeoutMs)],
    ]);
    this.#processes.set(id, proc);
    const { port } = await proc.ready();
    this.#ports.set(id, port);
    for (const proxy of this.#proxiesTo(id)) {
      proxy.target = port;
    }
  }

  /** SIGKILL: the node's un-synced writes are gone (src/disk.ts), its connections reset. */
  async kill(id: string, history?: History): Promise<void> {
    if (history) {
      this.#crashes.push(history.now());
    }
    recordMessage('harness', `FAULT SIGKILL ${id}`);
    await this.#processes.get(id)?.kill('SIGKILL');
    for (const proxy of this.#proxiesTo(id)) {
      proxy.resetConnections();
    }
  }

  async restart(id: string): Promise<void> {
    await this.kill(id);
    await this.startNode(id);
  }

  /** When, on the history's clock, each kill given a history happened. */
  get crashes(): readonly number[] {
    return this.#crashes;
  }

  running(): string[] {
    return this.ids.filter((id) => this.#processes.get(id)?.running);
  }

  /** Cuts the links between a and b, both ways: messages vanish, connections stay open. */
  cut(a: string, b: string): void {
    this.#link(a, b).block();
    this.#link(b, a).block();
  }

  heal(a: string, b: string): void {
    this.#link(a, b).heal();
    this.#link(b, a).heal();
  }

  /** Cuts every link between the nodes of `side` and all the others (clients still reach everyone). */
  partition(side: readonly string[]): void {
    for (const a of side) {
      for (const b of this.ids.filter((id) => !side.includes(id))) {
        this.cut(a, b);
      }
    }
  }

  healAll(): void {
    for (const proxy of [...this.#links.values(), ...this.#front.values()]) {
      proxy.heal();
    }
  }

  /** Faults on every node-to-node link (NO_FAULTS to stop). */
  setFaults(faults: Faults): void {
    recordMessage('harness', `FAULT on every node-to-node link: ${JSON.stringify(faults)}`);
    for (const proxy of this.#links.values()) {
      proxy.faults = faults;
    }
  }

  /** Messages the node-to-node proxies carried so far. */
  nodeMessages(): number {
    return [...this.#links.values()].reduce((sum, proxy) => sum + proxy.messages, 0);
  }

  /** Where clients reach a node: its front proxy. */
  clientAddress(id: string): string {
    return (this.#front.get(id) as LinkProxy).address;
  }

  /** A client reaching the given nodes (all by default) through their front proxies. */
  client(name: string, history?: History, options: ClientOptions & { nodes?: readonly string[] } = {}): KvClient {
    const nodes = options.nodes ?? this.ids;
    const client = new KvClient(name, new Map(nodes.map((id) => [id, this.clientAddress(id)])), this.options.random.fork(`client ${name}`), history, options);
    this.#clients.push(client);
    return client;
  }

  /** The control plane: requests straight to a node's own port. */
  readonly admin: Admin = {
    nodes: () => this.running(),
    request: async (node: string, body: AdminBody): Promise<ClientReply> => {
      const port = this.#ports.get(node);
      if (port === undefined || !this.#processes.get(node)?.running) {
        throw new Error(`${node} is not running`);
      }
      const connection = new Connection(`127.0.0.1:${port}`);
      try {
        const reply = await connection.call({ ...body }, ADMIN_TIMEOUT_MS);
        if (!reply) {
          throw new Error(`${node} did not answer ${body.op} within ${ADMIN_TIMEOUT_MS} ms`);
        }
        return reply;
      } finally {
        connection.close();
      }
    },
  };

  async status(node: string): Promise<NodeStatus> {
    const reply = await this.admin.request(node, { op: 'status' });
    if (!reply.ok || !reply.status) {
      throw new Error(`${node} answered status with ${JSON.stringify(reply)}`);
    }
    return reply.status;
  }

  /** The statuses of the running nodes (of `among`, by default all) that answer. */
  async statuses(among: readonly string[] = this.ids): Promise<NodeStatus[]> {
    const answers = await Promise.all(this.running().filter((id) => among.includes(id)).map((id) => this.status(id).catch(() => undefined)));
    return answers.filter((status) => status !== undefined);
  }

  /**
   * The node leading `shard` in the highest term, among running nodes, polling for up to
   * `timeoutMs` while there is none (an election may be under way).
   */
  async leaderOf(shard: number, timeoutMs = 5000): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let best: { node: string; term: number } | undefined;
      for (const status of await this.statuses()) {
        const shardStatus = status.shards[String(shard)];
        if (shardStatus?.role === 'leader' && (!best || shardStatus.term > best.term)) {
          best = { node: status.node, term: shardStatus.term };
        }
      }
      if (best || Date.now() > deadline) {
        return best?.node;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The shard's highest term among the running nodes that answer: each election raises it by one. */
  async termOf(shard: number): Promise<number> {
    return Math.max(0, ...(await this.statuses()).map((status) => status.shards[String(shard)]?.term ?? 0));
  }

  /**
   * Polls the nodes (of `among`) until every shard has a leader there that committed its term's
   * first entry: its commit index reached the last index it had when first seen leading that term
   * (which holds the entry it appended at election). Not "commit equals last index": under a client
   * load a leader always has entries in flight, and a poll may never see the two equal. The bound
   * is generous (an election takes milliseconds) and its message names the shards without one.
   */
  async waitForLeaders(timeoutMs = 20_000, among: readonly string[] = this.ids): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const firstSeen = new Map<string, number>();
    for (;;) {
      const ready = new Set<number>();
      for (const status of await this.statuses(among)) {
        for (const [shard, s] of Object.entries(status.shards)) {
          if (s.role !== 'leader') {
            continue;
          }
          const reign = `${shard} ${status.node} ${s.term}`;
          if (!firstSeen.has(reign)) {
            firstSeen.set(reign, s.lastIndex);
          }
          if (s.commit > 0 && s.commit >= (firstSeen.get(reign) as number)) {
            ready.add(Number(shard));
          }
        }
      }
      if (ready.size === this.options.shards) {
        return;
      }
      if (Date.now() > deadline) {
        const missing = Array.from({ length: this.options.shards }, (_, s) => s).filter((s) => !ready.has(s));
        throw new Error(`no leader for shard(s) ${missing.join(', ')} within ${timeoutMs} ms.${this.stderrs()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    for (const client of this.#clients) {
      client.close();
    }
    await Promise.all([...this.#processes.values()].map((proc) => proc.kill('SIGKILL')));
    await Promise.all([...this.#links.values(), ...this.#front.values()].map((proxy) => proxy.close()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  stderrs(): string {
    return [...this.#processes]
      .filter(([, proc]) => proc.stderr.trim() !== '')
      .map(([id, proc]) => `\n--- ${id} stderr ---\n${proc.stderr.trim()}`)
      .join('');
  }

  #link(from: string, to: string): LinkProxy {
    const proxy = this.#links.get(`${from}>${to}`);
    if (!proxy) {
      throw new Error(`no link ${from}>${to}`);
    }
    return proxy;
  }

  #proxiesTo(id: string): LinkProxy[] {
    return [this.#front.get(id) as LinkProxy, ...this.ids.filter((other) => other !== id).map((other) => this.#link(other, id))];
  }
}

/** Milestone 1: one node alone, no proxies, its data in a temporary folder that outlives restarts. */
export class SingleNode {
  readonly dir = mkdtempSync(join(tmpdir(), 'fault-tolerant-db-single-'));
  readonly #random: Random;
  readonly #crashes: number[] = [];
  readonly #clients: KvClient[] = [];
  #process: NodeProcess | undefined;
  #port = 0;

  constructor(random: Random) {
    this.#random = random;
  }

  get port(): number {
    return this.#port;
  }

  get crashes(): readonly number[] {
    return this.#crashes;
  }

  /** Starts (or restarts, same port and folder) the node and waits for its READY. */
  async start(): Promise<void> {
    this.#process = new NodeProcess('n1', ['--id', 'n1', '--port', String(this.#port), '--data', join(this.dir, 'n1'), '--power-loss']);
    this.#port = (await this.#process.ready()).port;
  }

  async kill(history?: History): Promise<void> {
    if (history) {
      this.#crashes.push(history.now());
    }
    await this.#process?.kill('SIGKILL');
  }

  client(name: string, history?: History, options?: ClientOptions): KvClient {
    const client = new KvClient(name, new Map([['n1', `127.0.0.1:${this.#port}`]]), this.#random.fork(`client ${name}`), history, options);
    this.#clients.push(client);
    return client;
  }

  nodeMessages(): number {
    return 0;
  }

  stderrs(): string {
    const text = this.#process?.stderr.trim() ?? '';
    return text === '' ? '' : `\n--- n1 stderr ---\n${text}`;
  }

  async close(): Promise<void> {
    for (const client of this.#clients) {
      client.close();
    }
    await this.#process?.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
