// Milestone 3: discovery without a single point of failure. Every node keeps a table of members,
// each with a heartbeat counter only its owner increments; every interval it sends the table to a
// few members over UDP and keeps, for each member, the highest heartbeat it has seen. A member whose
// heartbeat stops growing for ttlMs is presumed dead. No node is special: any one can be the seed.
import { createSocket, type Socket } from 'node:dgram';
import { parseAddress } from './protocol.ts';

export interface GossipMember {
  /** The member's gossip address: its identity. */
  readonly gossip: string;
  /** Its chunk server's address, if it serves files. */
  readonly peer?: string;
  readonly roots: readonly string[];
  readonly heartbeat: number;
}

export interface GossipOptions {
  /** Gossip addresses to contact first; any live member will do. */
  readonly seeds: readonly string[];
  /** What this node serves; absent for a node that only looks (a downloader). */
  readonly self?: { readonly peer: string; readonly roots: readonly string[] };
  readonly host?: string;
  readonly port?: number;
  readonly intervalMs?: number;
  readonly ttlMs?: number;
  /** How many members to send the table to each interval. */
  readonly fanout?: number;
}

export interface GossipNode {
  /** This node's gossip address, "host:port". */
  readonly address: string;
  /** Live members, this node excluded. */
  members(): GossipMember[];
  /** Chunk-server addresses of live members that hold `root`. */
  lookup(root: string): string[];
  close(): Promise<void>;
}

interface Known {
  member: GossipMember;
  /** Local time the heartbeat last grew: only local clocks are compared. */
  seenAt: number;
}

const MAX_DATAGRAM = 60 * 1024;

export function startGossip(options: GossipOptions): Promise<GossipNode> {
  const intervalMs = options.intervalMs ?? 200;
  const ttlMs = options.ttlMs ?? 2000;
  const fanout = options.fanout ?? 2;
  const host = options.host ?? '127.0.0.1';
  const socket: Socket = createSocket('udp4');
  const known = new Map<string, Known>();
  // Dead members and the heartbeat they died at, so stale gossip does not bring them back.
  const dead = new Map<string, { heartbeat: number; at: number }>();
  let heartbeat = 0;
  let address = '';

  const selfEntry = (): GossipMember => ({ gossip: address, peer: options.self?.peer, roots: options.self?.roots ?? [], heartbeat });

  const merge = (member: GossipMember): void => {
    if (member.gossip === address) {
      return;
    }
    const now = Date.now();
    const grave = dead.get(member.gossip);
    if (grave && member.heartbeat <= grave.heartbeat) {
      return;
    }
    dead.delete(member.gossip);
    const current = known.get(member.gossip);
    if (!current || member.heartbeat > current.member.heartbeat) {
      known.set(member.gossip, { member, seenAt: now });
    }
  };

  const expire = (): void => {
    const now = Date.now();
    for (const [id, entry] of known) {
      if (now - entry.seenAt > ttlMs) {
        known.delete(id);
        dead.set(id, { heartbeat: entry.member.heartbeat, at: now });
      }
    }
    for (const [id, grave] of dead) {
      if (now - grave.at > 3 * ttlMs) {
        dead.delete(id);
      }
    }
  };

  const send = (to: string): void => {
    const members = [selfEntry(), ...[...known.values()].map((entry) => entry.member)];
    let payload = Buffer.from(JSON.stringify({ from: address, members }));
    if (payload.length > MAX_DATAGRAM) {
      payload = Buffer.from(JSON.stringify({ from: address, members: members.slice(0, 1) }));
    }
    try {
      const target = parseAddress(to);
      socket.send(payload, target.port, target.host);
    } catch {
      // A bad seed address: skip it.
    }
  };

  const round = (): void => {
    heartbeat++;
    expire();
    const live = [...known.keys()];
    const targets = new Set<string>();
    for (let i = 0; i < fanout && live.length > 0; i++) {
      targets.add(live[Math.floor(Math.random() * live.length)] as string);
    }
    // Until a seed shows up among the members, keep knocking: it may start after us.
    for (const seed of options.seeds) {
      if (seed !== address && !known.has(seed)) {
        targets.add(seed);
      }
    }
    for (const target of targets) {
      send(target);
    }
  };

  socket.on('message', (data) => {
    let message: { from?: unknown; members?: unknown };
    try {
      message = JSON.parse(data.toString('utf8')) as typeof message;
    } catch {
      return;
    }
    if (!Array.isArray(message.members)) {
      return;
    }
    for (const raw of message.members as Record<string, unknown>[]) {
      if (typeof raw?.gossip !== 'string' || typeof raw.heartbeat !== 'number') {
        continue;
      }
      merge({
        gossip: raw.gossip,
        peer: typeof raw.peer === 'string' ? raw.peer : undefined,
        roots: Array.isArray(raw.roots) ? raw.roots.map(String) : [],
        heartbeat: raw.heartbeat,
      });
    }
  });
  socket.on('error', () => undefined);

  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 0, host, () => {
      socket.off('error', reject);
      address = `${host}:${socket.address().port}`;
      const timer = setInterval(round, intervalMs);
      timer.unref();
      round();
      resolve({
        address,
        members: () => {
          expire();
          return [...known.values()].map((entry) => entry.member);
        },
        lookup: (root) => {
          expire();
          return [...known.values()]
            .map((entry) => entry.member)
            .filter((member) => member.peer !== undefined && member.roots.includes(root))
            .map((member) => member.peer as string);
        },
        close: () =>
          new Promise<void>((done) => {
            clearInterval(timer);
            socket.close(() => done());
          }),
      });
    });
  });
}
