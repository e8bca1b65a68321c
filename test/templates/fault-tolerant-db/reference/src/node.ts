// Milestones 1 and 3: a node's server. Alone (milestone 1), it serves every key from one WAL. In a
// cluster (milestone 3 on), it hosts replicas of some shards, routes each client request to the
// replica of the key's shard, and carries the replicas' messages to and from its peers.
import { createServer, type Server, type Socket } from 'node:net';
import { Disk } from './disk.ts';
import { KvState, type Command } from './kv.ts';
import { PeerLink, readLines, writeLine, type ClientReply, type ClientRequest, type ErrorCode, type NodeStatus } from './protocol.ts';
import { placeShards, shardOf } from './ring.ts';
import { NotLeaderError, Replica, type PeerMessage } from './replica.ts';
import { Wal } from './wal.ts';

export interface NodeOptions {
  readonly id: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly dataDir: string;
  /** Un-synced writes die with the process (src/disk.ts); the checks always turn this on. */
  readonly powerLoss?: boolean;
  /** Absent: a single node serving every key itself (milestone 1). */
  readonly cluster?: ClusterOptions;
}

export interface ClusterOptions {
  /** Every other node's id and the address to reach it at (in the checks, a harness proxy). */
  readonly peers: Readonly<Record<string, string>>;
  /** The nodes the cluster started with: shards are placed on them with placeShards. */
  readonly members: readonly string[];
  readonly shards: number;
  readonly replicas: number;
  readonly heartbeatMs: number;
  readonly electionMs: number;
  /** How long a leader waits for a request to commit before answering `unavailable`. */
  readonly requestTimeoutMs: number;
}

export interface RunningNode {
  readonly port: number;
  close(): Promise<void>;
}

/** A reply before the id of its request is put on it. */
type ReplyBody = ClientReply extends infer R ? (R extends ClientReply ? Omit<R, 'id'> : never) : never;
type Handler = (request: ClientRequest) => Promise<ReplyBody>;

export async function startNode(options: NodeOptions): Promise<RunningNode> {
  const disk = new Disk(options.dataDir, { powerLoss: options.powerLoss });
  const cluster = options.cluster;
  const node = cluster ? clusterNode(options.id, disk, cluster) : singleNode(disk);
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    readLines(
      socket,
      (message) => {
        if (isPeerMessage(message)) {
          node.onPeerMessage(message);
          return;
        }
        const request = parseRequest(message);
        const id = typeof (message as { id?: unknown }).id === 'number' ? (message as { id: number }).id : null;
        if (typeof request === 'string') {
          writeLine(socket, { id, ok: false, error: 'bad-request', message: request });
          return;
        }
        node.handle(request).then(
          (reply) => writeLine(socket, { id, ...reply }),
          (error: unknown) => writeLine(socket, { id, ok: false, error: 'unavailable', message: String(error) }),
        );
      },
      () => writeLine(socket, { id: null, ok: false, error: 'bad-request', message: 'not a JSON line' }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: '127.0.0.1' }, resolve);
  });
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      node.close();
      for (const socket of sockets) {
        socket.destroy();
      }
      await closeServer(server);
    },
  };
}

interface NodeCore {
  handle: Handler;
  onPeerMessage(message: PeerMessage): void;
  close(): void;
}

function singleNode(disk: Disk): NodeCore {
  const wal = new Wal<Command>(disk, 'kv.wal');
  const kv = new KvState();
  for (const command of wal.replay()) {
    kv.apply(command);
  }
  return {
    handle: (request) => {
      if (request.op === 'get') {
        return Promise.resolve({ ok: true, value: kv.get(request.key) });
      }
      if (request.op !== 'put' && request.op !== 'delete') {
        return Promise.resolve({ ok: false, error: 'bad-request', message: `${request.op} needs a cluster` });
      }
      const command = toCommand(request);
      wal.append(command);
      wal.sync(); // durable before it is applied and acknowledged
      return Promise.resolve({ ok: true, value: kv.apply(command).value });
    },
    onPeerMessage: () => {},
    close: () => {},
  };
}

function clusterNode(self: string, disk: Disk, options: ClusterOptions): NodeCore {
  const links = new Map(Object.entries(options.peers).map(([id, address]) => [id, new PeerLink(address)]));
  const placement = placeShards(options.members, options.shards, options.replicas);
  const hostedFile = 'shards.json';
  const saved = disk.read(hostedFile);
  const hosting: { shards: number[]; dropped: number[] } = saved
    ? (JSON.parse(saved) as { shards: number[]; dropped: number[] })
    : { shards: placement.flatMap((members, shard) => (members.includes(self) ? [shard] : [])), dropped: [] };
  const saveHosting = () => {
    disk.replace(hostedFile, JSON.stringify(hosting));
    disk.sync();
  };
  if (!saved) {
    saveHosting();
  }
  const replicas = new Map<number, Replica>();
  const host = (shard: number): Replica => {
    const replica = new Replica(
      {
        self,
        shard,
        disk,
        heartbeatMs: options.heartbeatMs,
        electionMs: options.electionMs,
        send: (to, message) => links.get(to)?.send(message),
        now: () => Date.now(),
        random: Math.random,
      },
      placement[shard] ?? [],
    );
    replicas.set(shard, replica);
    return replica;
  };
  for (const shard of hosting.shards) {
    host(shard);
  }
  const timer = setInterval(() => {
    for (const replica of replicas.values()) {
      replica.tick();
    }
  }, options.heartbeatMs);

  const refuse = (error: ErrorCode, leader?: string | null) => ({ ok: false as const, error, ...(leader ? { leader } : {}) });

  const handle: Handler = async (request) => {
    switch (request.op) {
      case 'status': {
        const status: NodeStatus = { node: self, shards: Object.fromEntries([...replicas].map(([shard, replica]) => [String(shard), replica.status()])) };
        return { ok: true, status };
      }
      case 'drop-shard': {
        const replica = replicas.get(request.shard);
        replica?.close();
        replicas.delete(request.shard);
        hosting.shards = hosting.shards.filter((shard) => shard !== request.shard);
        hosting.dropped.push(request.shard);
        saveHosting();
        disk.remove(`shard-${request.shard}.wal`);
        disk.remove(`shard-${request.shard}.meta`);
        return { ok: true };
      }
      case 'add-replica':
      case 'remove-replica': {
        const replica = replicas.get(request.shard);
        if (!replica) {
          return refuse('not-here');
        }
        const members = request.op === 'add-replica' ? [...new Set([...replica.members, request.node])] : replica.members.filter((m) => m !== request.node);
        return answer(replica.changeMembers(members).then(() => ({ value: null })));
      }
      default: {
        const replica = replicas.get(shardOf(request.key, options.shards));
        if (!replica) {
          return refuse('not-here');
        }
        return answer(replica.submit(toCommand(request)));
      }
    }
  };

  const answer = async (work: Promise<{ value: string | null }>): Promise<ReplyBody> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out waiting for a majority')), options.requestTimeoutMs);
    });
    try {
      const result = await Promise.race([work, timeout]);
      return { ok: true, value: result.value };
    } catch (error) {
      if (error instanceof NotLeaderError) {
        return refuse('not-leader', error.leader);
      }
      return { ok: false, error: 'unavailable', message: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    handle,
    onPeerMessage: (message) => {
      let replica = replicas.get(message.shard);
      if (!replica && (message.type === 'append' || message.type === 'snapshot') && !hosting.dropped.includes(message.shard)) {
        // A leader added this node to the shard's group: start empty and let it send the log (or its snapshot).
        hosting.shards.push(message.shard);
        saveHosting();
        replica = host(message.shard);
      }
      replica?.receive(message);
    },
    close: () => {
      clearInterval(timer);
      for (const replica of replicas.values()) {
        replica.close();
      }
      for (const link of links.values()) {
        link.close();
      }
    },
  };
}

function toCommand(request: Extract<ClientRequest, { op: 'get' | 'put' | 'delete' }>): Command {
  const identity = request.client !== undefined && request.seq !== undefined ? { client: request.client, seq: request.seq } : {};
  if (request.op === 'put') {
    return { op: 'put', key: request.key, value: request.value, ...identity };
  }
  return { op: request.op, key: request.key, ...identity };
}

function isPeerMessage(message: unknown): message is PeerMessage {
  return typeof message === 'object' && message !== null && 'type' in message && 'shard' in message;
}

/** The request, or what is wrong with it. */
function parseRequest(message: unknown): ClientRequest | string {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return 'a request is a JSON object';
  }
  const request = message as Record<string, unknown>;
  if (typeof request.id !== 'number') {
    return 'id must be a number';
  }
  switch (request.op) {
    case 'get':
    case 'delete':
    case 'put':
      if (typeof request.key !== 'string' || request.key === '') {
        return 'key must be a non-empty string';
      }
      if (request.op === 'put' && typeof request.value !== 'string') {
        return 'value must be a string';
      }
      if ((request.client !== undefined && typeof request.client !== 'string') || (request.seq !== undefined && typeof request.seq !== 'number')) {
        return 'client must be a string and seq a number';
      }
      return request as ClientRequest;
    case 'status':
      return request as ClientRequest;
    case 'add-replica':
    case 'remove-replica':
      return typeof request.shard === 'number' && typeof request.node === 'string' ? (request as ClientRequest) : 'shard must be a number and node a string';
    case 'drop-shard':
      return typeof request.shard === 'number' ? (request as ClientRequest) : 'shard must be a number';
    default:
      return `unknown op ${JSON.stringify(request.op)}`;
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
