// Milestones 4 to 6: download a file by its root from every peer that has it, at once. The
// manifest is trusted only if it hashes to the root; a chunk only if it hashes to its line of the
// manifest. Peers come and go: a failed request goes elsewhere, a liar is banned, discovery is
// asked again, and verified chunks survive our own crash (partial.ts). With `serve`, we serve what
// we verified to other downloaders while we download, and after (seeding.ts): a swarm.
import { ChunkMismatchError, ManifestError, checkManifest, verifyChunk, type Manifest } from './chunking.ts';
import { PeerConnection, PeerError } from './client.ts';
import { startGossip, type GossipNode } from './gossip.ts';
import { PeerBook } from './peerbook.ts';
import { openPartial, partialPath, type PartialFile } from './partial.ts';
import type { SharedFile } from './peer.ts';
import { bitfieldHas } from './protocol.ts';
import { startSeeding, type Seeding } from './seeding.ts';
import { pickChunk } from './selection.ts';
import { lookup } from './tracker.ts';

export interface DownloadOptions {
  /** The file's root hash: its name, and the only thing we trust. */
  readonly root: string;
  /** Where the file goes; `<out>.part` and `<out>.part.journal` meanwhile. */
  readonly out: string;
  readonly tracker?: string;
  readonly gossipSeeds?: readonly string[];
  /** Peers known in advance ("host:port"). */
  readonly peers?: readonly string[];
  /** Requests in flight per peer; default 4. */
  readonly perPeer?: number;
  /** Requests in flight in all; default 32. */
  readonly maxInFlight?: number;
  readonly requestTimeoutMs?: number;
  /** How often to ask discovery for peers again; default 1000 ms. */
  readonly rediscoverMs?: number;
  /** Fail when no chunk has been verified for this long; default 20000 ms. */
  readonly giveUpMs?: number;
  /**
   * Milestone 5: serve the chunks verified so far to other downloaders while downloading, and
   * announce them to `tracker`; the report's `seeding` goes on serving the complete file until stopped.
   */
  readonly serve?: { readonly host?: string; readonly port?: number; readonly advertise?: string; readonly heartbeatMs?: number };
  readonly onEvent?: (event: DownloadEvent) => void;
}

export type DownloadEvent =
  | { readonly type: 'manifest'; readonly peer: string; readonly chunks: number }
  | { readonly type: 'serving'; readonly port: number; readonly address: string }
  | { readonly type: 'resumed'; readonly chunks: number }
  | { readonly type: 'verified'; readonly index: number; readonly peer: string }
  | { readonly type: 'retry'; readonly index: number; readonly peer: string; readonly reason: string }
  | { readonly type: 'banned'; readonly peer: string; readonly reason: string };

export interface DownloadReport {
  readonly root: string;
  readonly size: number;
  readonly chunks: number;
  /** Chunks found verified on disk at the start. */
  readonly resumed: number;
  /** CHUNK answers received, accepted or not. */
  readonly fetched: number;
  /** Requests for a chunk already requested once in this run. */
  readonly refetched: number;
  readonly bytesReceived: number;
  readonly banned: readonly string[];
  readonly chunksByPeer: Readonly<Record<string, number>>;
  readonly elapsedMs: number;
  /** With `serve`: still serving the complete file; stop() it when done. */
  readonly seeding?: Seeding;
}

export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

interface PeerState {
  readonly address: string;
  connection: PeerConnection | undefined;
  have: Buffer | undefined;
  readonly busy: Set<number>;
  removed: boolean;
  /** A GET_HAVE asked again is on its way. */
  refreshingHave: boolean;
}

/** Endgame: once this few chunks are missing and all in flight, a free peer may ask for one again. */
const ENDGAME_CHUNKS = 4;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function download(options: DownloadOptions): Promise<DownloadReport> {
  const started = Date.now();
  const emit = (event: DownloadEvent): void => options.onEvent?.(event);
  const book = new PeerBook();
  const requestTimeoutMs = options.requestTimeoutMs ?? 5000;
  const rediscoverMs = options.rediscoverMs ?? 1000;
  const giveUpMs = options.giveUpMs ?? 20_000;
  const gossip: GossipNode | undefined =
    options.gossipSeeds && options.gossipSeeds.length > 0
      ? await startGossip({ seeds: options.gossipSeeds, intervalMs: 200, ttlMs: 2000 })
      : undefined;

  // Our own address, once we serve: discovery lists us too, and we do not download from ourselves.
  let self: string | undefined;
  const discover = async (): Promise<string[]> => {
    const found = new Set(options.peers ?? []);
    if (options.tracker !== undefined) {
      try {
        for (const peer of await lookup(options.tracker, options.root)) {
          found.add(peer);
        }
      } catch {
        // The tracker is down: other sources may still answer.
      }
    }
    for (const peer of gossip?.lookup(options.root) ?? []) {
      found.add(peer);
    }
    if (self !== undefined) {
      found.delete(self);
    }
    for (const peer of found) {
      book.add(peer);
    }
    return [...found].filter((peer) => book.isUsable(peer));
  };

  const ban = (peer: string, reason: string): void => {
    if (!book.isBanned(peer)) {
      book.ban(peer, reason);
      emit({ type: 'banned', peer, reason });
    }
  };

  let seeding: Seeding | undefined;
  let completed = false;
  try {
    const manifest = await fetchManifest(options.root, discover, book, ban, emit, { requestTimeoutMs, rediscoverMs, giveUpMs });
    const partial = await openPartial(options.out, manifest);
    try {
      emit({ type: 'resumed', chunks: partial.resumed });
      if (options.serve) {
        const file: SharedFile = {
          manifest,
          // Read at each request: the partial file while we download, the complete one after.
          get path() {
            return completed ? options.out : partialPath(options.out);
          },
          // The live set: a chunk is served from the moment it is verified and written.
          have: partial.verified,
        };
        seeding = await startSeeding({ file, ...options.serve, tracker: options.tracker });
        self = seeding.address;
        emit({ type: 'serving', port: seeding.port, address: seeding.address });
      }
      const stats = await swarm(manifest, partial, discover, book, ban, emit, {
        perPeer: options.perPeer ?? 4,
        maxInFlight: options.maxInFlight ?? 32,
        requestTimeoutMs,
        rediscoverMs,
        giveUpMs,
      });
      await partial.complete();
      completed = true;
      return {
        root: manifest.root,
        size: manifest.size,
        chunks: manifest.hashes.length,
        resumed: partial.resumed,
        ...stats,
        banned: book.banned().map((entry) => entry.peer),
        elapsedMs: Date.now() - started,
        seeding,
      };
    } finally {
      await partial.close();
    }
  } catch (error) {
    await seeding?.stop();
    throw error;
  } finally {
    await gossip?.close();
  }
}

async function fetchManifest(
  root: string,
  discover: () => Promise<string[]>,
  book: PeerBook,
  ban: (peer: string, reason: string) => void,
  emit: (event: DownloadEvent) => void,
  timing: { requestTimeoutMs: number; rediscoverMs: number; giveUpMs: number },
): Promise<Manifest> {
  const deadline = Date.now() + timing.giveUpMs;
  for (;;) {
    for (const peer of await discover()) {
      let connection: PeerConnection | undefined;
      try {
        connection = await PeerConnection.connect(peer, { timeoutMs: timing.requestTimeoutMs });
        const manifest = checkManifest(await connection.getManifest(root, timing.requestTimeoutMs), root);
        emit({ type: 'manifest', peer, chunks: manifest.hashes.length });
        return manifest;
      } catch (error) {
        if (error instanceof ManifestError) {
          ban(peer, `bad manifest: ${error.message}`);
        } else {
          book.recordFailure(peer);
        }
      } finally {
        connection?.close();
      }
    }
    if (Date.now() > deadline) {
      throw new DownloadError(`no peer gave the manifest of ${root.slice(0, 12)}… within ${timing.giveUpMs} ms`);
    }
    await sleep(timing.rediscoverMs);
  }
}

interface SwarmStats {
  fetched: number;
  refetched: number;
  bytesReceived: number;
  chunksByPeer: Record<string, number>;
}

function swarm(
  manifest: Manifest,
  partial: PartialFile,
  discover: () => Promise<string[]>,
  book: PeerBook,
  ban: (peer: string, reason: string) => void,
  emit: (event: DownloadEvent) => void,
  limits: { perPeer: number; maxInFlight: number; requestTimeoutMs: number; rediscoverMs: number; giveUpMs: number },
): Promise<SwarmStats> {
  const count = manifest.hashes.length;
  const root = manifest.root;
  const needed = new Set<number>();
  for (let i = 0; i < count; i++) {
    if (!partial.verified.has(i)) {
      needed.add(i);
    }
  }
  const stats: SwarmStats = { fetched: 0, refetched: 0, bytesReceived: 0, chunksByPeer: {} };
  if (needed.size === 0) {
    return Promise.resolve(stats);
  }
  const counts = new Int32Array(count);
  // How many requests for each chunk are out: one, or two in the endgame.
  const inFlight = new Map<number, number>();
  let outstanding = 0;
  // Chunks whose first verified copy is being written: a second copy is dropped.
  const accepted = new Set<number>();
  const requestedOnce = new Set<number>();
  const peers = new Map<string, PeerState>();
  let lastProgress = Date.now();
  let scheduling = false;
  let refreshing = false;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;

  return new Promise<SwarmStats>((resolve, reject) => {
    const finish = (error?: Error): void => {
      if (finished) {
        return;
      }
      finished = true;
      clearInterval(timer);
      for (const state of peers.values()) {
        state.connection?.close();
      }
      if (error) {
        reject(error);
      } else {
        resolve(stats);
      }
    };

    const removePeer = (state: PeerState): void => {
      if (state.removed) {
        return;
      }
      state.removed = true;
      peers.delete(state.address);
      state.connection?.close();
      if (state.have) {
        for (let i = 0; i < count; i++) {
          if (bitfieldHas(state.have, i)) {
            counts[i] = (counts[i] as number) - 1;
          }
        }
      }
    };

    const addPeer = async (address: string): Promise<void> => {
      if (finished || peers.has(address) || !book.isUsable(address)) {
        return;
      }
      const state: PeerState = { address, connection: undefined, have: undefined, busy: new Set(), removed: false, refreshingHave: false };
      peers.set(address, state);
      try {
        state.connection = await PeerConnection.connect(address, { timeoutMs: limits.requestTimeoutMs });
        const have = await state.connection.getHave(root, limits.requestTimeoutMs);
        if (state.removed) {
          return;
        }
        state.have = have;
        for (let i = 0; i < count; i++) {
          if (bitfieldHas(have, i)) {
            counts[i] = (counts[i] as number) + 1;
          }
        }
        // A newcomer gets work at once, not when the slowest of its batch answers.
        schedule();
      } catch {
        book.recordFailure(address);
        removePeer(state);
      }
    };

    const land = (index: number): void => {
      const left = (inFlight.get(index) ?? 1) - 1;
      if (left > 0) {
        inFlight.set(index, left);
      } else {
        inFlight.delete(index);
      }
      outstanding--;
    };

    const onChunk = async (state: PeerState, index: number, data: Buffer): Promise<void> => {
      stats.fetched++;
      stats.bytesReceived += data.length;
      state.busy.delete(index);
      land(index);
      if (!verifyChunk(manifest, index, data)) {
        const error = new ChunkMismatchError(index, `chunk ${index} did not match its hash`);
        ban(state.address, error.message);
        emit({ type: 'retry', index, peer: state.address, reason: error.message });
        removePeer(state);
        schedule();
        return;
      }
      book.recordSuccess(state.address);
      if (accepted.has(index) || !needed.has(index)) {
        // The endgame's other copy won the race: written once, already.
        schedule();
        return;
      }
      accepted.add(index);
      stats.chunksByPeer[state.address] = (stats.chunksByPeer[state.address] ?? 0) + 1;
      try {
        await partial.writeChunk(index, data);
      } catch (error) {
        finish(error as Error);
        return;
      }
      needed.delete(index);
      lastProgress = Date.now();
      emit({ type: 'verified', index, peer: state.address });
      if (needed.size === 0) {
        finish();
      } else {
        schedule();
      }
    };

    const onFailure = (state: PeerState, index: number, error: Error): void => {
      state.busy.delete(index);
      land(index);
      emit({ type: 'retry', index, peer: state.address, reason: error.message });
      if (error instanceof PeerError) {
        // It does not have that chunk after all: stop counting on it for this one.
        if (state.have && bitfieldHas(state.have, index)) {
          state.have[index >> 3] = (state.have[index >> 3] as number) & ~(0x80 >> (index & 7));
          counts[index] = (counts[index] as number) - 1;
        }
      } else if (!state.removed) {
        // One failure per lost connection, not one per request that was on it.
        book.recordFailure(state.address);
        removePeer(state);
      }
      schedule();
    };

    const dispatch = (state: PeerState, index: number): void => {
      inFlight.set(index, (inFlight.get(index) ?? 0) + 1);
      outstanding++;
      state.busy.add(index);
      if (requestedOnce.has(index)) {
        stats.refetched++;
      }
      requestedOnce.add(index);
      (state.connection as PeerConnection).getChunk(root, index, limits.requestTimeoutMs).then(
        (data) => onChunk(state, index, data),
        (error: Error) => onFailure(state, index, error),
      );
    };

    const schedule = (): void => {
      if (finished || !scheduling) {
        return;
      }
      const ready = [...peers.values()].filter((state) => state.have !== undefined && !state.removed);
      // Shuffle so that no peer is always asked first.
      for (let i = ready.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [ready[i], ready[j]] = [ready[j] as PeerState, ready[i] as PeerState];
      }
      let progress = true;
      while (progress && outstanding < limits.maxInFlight) {
        progress = false;
        for (const state of ready) {
          if (state.busy.size >= limits.perPeer || outstanding >= limits.maxInFlight || state.removed) {
            continue;
          }
          const candidates: number[] = [];
          for (const index of needed) {
            if (!inFlight.has(index) && !accepted.has(index) && bitfieldHas(state.have as Buffer, index)) {
              candidates.push(index);
            }
          }
          const index = pickChunk(candidates, counts) ?? endgameChunk(state);
          if (index !== undefined) {
            dispatch(state, index);
            progress = true;
          }
        }
      }
    };

    // Endgame: the last few chunks are all in flight, and one slow peer would hold up the file.
    // A free peer asks for one of them again (one second request per chunk at most); the first
    // copy that verifies is written, the other dropped.
    const endgameChunk = (state: PeerState): number | undefined => {
      if (needed.size > ENDGAME_CHUNKS) {
        return undefined;
      }
      for (const index of needed) {
        if (inFlight.get(index) === 1 && !accepted.has(index) && !state.busy.has(index) && bitfieldHas(state.have as Buffer, index)) {
          return index;
        }
      }
      return undefined;
    };

    // Other downloaders gain chunks as they go: ask a peer again what it holds while it lacks some we need.
    const refreshHave = (state: PeerState): void => {
      const have = state.have;
      if (state.refreshingHave || have === undefined || state.removed || [...needed].every((index) => bitfieldHas(have, index))) {
        return;
      }
      state.refreshingHave = true;
      (state.connection as PeerConnection)
        .getHave(root, limits.requestTimeoutMs)
        .then(
          (fresh) => {
            if (state.removed || state.have === undefined) {
              return;
            }
            for (let i = 0; i < count; i++) {
              const before = bitfieldHas(state.have, i);
              const after = bitfieldHas(fresh, i);
              if (before !== after) {
                counts[i] = (counts[i] as number) + (after ? 1 : -1);
              }
            }
            state.have = Buffer.from(fresh);
            schedule();
          },
          () => undefined, // The connection failed: its chunk requests report it.
        )
        .finally(() => {
          state.refreshingHave = false;
        });
    };

    const refresh = async (): Promise<void> => {
      if (Date.now() - lastProgress > limits.giveUpMs) {
        const missing = [...needed].filter((index) => !inFlight.has(index));
        finish(
          new DownloadError(
            `no chunk verified for ${limits.giveUpMs} ms; ${needed.size} chunks missing` +
              (missing.length > 0 ? ` (e.g. chunk ${missing[0]}, held by ${counts[missing[0] as number]} reachable peers)` : ''),
          ),
        );
        return;
      }
      const found = await discover();
      await Promise.all(found.map(addPeer));
      for (const state of peers.values()) {
        refreshHave(state);
      }
      schedule();
    };

    // Ask every peer what it holds before choosing: rarest first needs the whole picture.
    discover()
      .then((found) => Promise.all(found.map(addPeer)))
      .then(() => {
        scheduling = true;
        timer = setInterval(() => {
          if (!refreshing) {
            refreshing = true;
            refresh()
              .catch((error: Error) => finish(error))
              .finally(() => {
                refreshing = false;
              });
          }
        }, limits.rediscoverMs);
        schedule();
      })
      .catch((error: Error) => finish(error));
  });
}
