// Milestone 3: a tracker remembers which peer holds which file, for as long as the peer keeps
// saying so. A peer that stops heartbeating is forgotten after ttlMs: silence is the only death
// notice a crashed process sends.
import { createServer, type Socket } from 'node:net';
import { requestOnce } from './client.ts';
import { FrameDecoder, encodeFrame, type Frame } from './framing.ts';
import { MessageType, decodeJson, encodeJson, parseAddress } from './protocol.ts';

export const DEFAULT_TTL_MS = 3000;

export interface TrackerOptions {
  readonly host?: string;
  readonly port?: number;
  /** How long an announcement lasts without a heartbeat. */
  readonly ttlMs?: number;
  /**
   * The clock expiry is judged by, in ms (default Date.now): read it for every announcement and
   * lookup, never Date.now directly, so that a test can move time by hand.
   */
  readonly now?: () => number;
}

export interface Tracker {
  readonly port: number;
  close(): Promise<void>;
}

interface Entry {
  roots: Set<string>;
  expiresAt: number;
}

export function startTracker(options: TrackerOptions = {}): Promise<Tracker> {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const clock = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const sockets = new Set<Socket>();

  const sweep = (): void => {
    const now = clock();
    for (const [peer, entry] of entries) {
      if (entry.expiresAt <= now) {
        entries.delete(peer);
      }
    }
  };
  const sweeper = setInterval(sweep, Math.max(50, ttlMs / 4));
  sweeper.unref();

  const answer = (frame: Frame): Buffer => {
    const body = decodeJson(frame.body) as Record<string, unknown>;
    if (frame.type === MessageType.Announce) {
      const peer = String(body.peer);
      parseAddress(peer);
      const roots = Array.isArray(body.roots) ? body.roots.map(String) : [];
      entries.set(peer, { roots: new Set(roots), expiresAt: clock() + ttlMs });
      return encodeFrame(MessageType.AnnounceOk, encodeJson({ ttlMs }));
    }
    if (frame.type === MessageType.Lookup) {
      const root = String(body.root);
      const now = clock();
      const peers = [...entries].filter(([, entry]) => entry.expiresAt > now && entry.roots.has(root)).map(([peer]) => peer);
      return encodeFrame(MessageType.Peers, encodeJson({ peers }));
    }
    throw new Error(`unknown message type 0x${frame.type.toString(16)}`);
  };

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const decoder = new FrameDecoder();
    socket.on('data', (bytes: Buffer) => {
      try {
        for (const frame of decoder.push(bytes)) {
          let reply: Buffer;
          try {
            reply = answer(frame);
          } catch (error) {
            reply = encodeFrame(MessageType.Error, Buffer.from((error as Error).message));
          }
          socket.write(reply);
        }
      } catch {
        socket.destroy();
      }
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address !== null ? address.port : 0,
        close: () =>
          new Promise<void>((done) => {
            clearInterval(sweeper);
            for (const socket of sockets) {
              socket.destroy();
            }
            server.close(() => done());
          }),
      });
    });
  });
}

export async function announce(tracker: string, peer: string, roots: readonly string[], timeoutMs = 3000): Promise<{ ttlMs: number }> {
  const reply = await requestOnce(tracker, MessageType.Announce, encodeJson({ peer, roots }), MessageType.AnnounceOk, timeoutMs);
  const body = decodeJson(reply.body) as { ttlMs?: unknown };
  return { ttlMs: typeof body.ttlMs === 'number' ? body.ttlMs : DEFAULT_TTL_MS };
}

export async function lookup(tracker: string, root: string, timeoutMs = 3000): Promise<string[]> {
  const reply = await requestOnce(tracker, MessageType.Lookup, encodeJson({ root }), MessageType.Peers, timeoutMs);
  const body = decodeJson(reply.body) as { peers?: unknown };
  return Array.isArray(body.peers) ? body.peers.map(String) : [];
}

export interface AnnouncerOptions {
  readonly tracker: string;
  /** The address downloaders should use. */
  readonly peer: string;
  readonly roots: readonly string[];
  readonly intervalMs?: number;
  readonly onError?: (error: Error) => void;
}

export interface Announcer {
  stop(): void;
}

export function startAnnouncer(options: AnnouncerOptions): Announcer {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const beat = (): void => {
    announce(options.tracker, options.peer, options.roots)
      .catch((error: Error) => options.onError?.(error))
      .finally(() => {
        if (!stopped) {
          timer = setTimeout(beat, options.intervalMs ?? 1000);
        }
      });
  };
  beat();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
