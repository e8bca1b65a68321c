// Given: the wire format. Every message, between clients and nodes and between nodes, is one JSON
// object on one line (UTF-8, ended by "\n") over TCP. This module holds the client protocol's
// types and the two pieces of plumbing every node needs: reading lines from a socket, and a link
// to a peer that reconnects by itself and never blocks the caller.
import { connect, type Socket } from 'node:net';

/** What a client asks. `client` and `seq` name one logical operation across its retries. */
export type ClientRequest =
  | { readonly id: number; readonly op: 'get'; readonly key: string; readonly client?: string; readonly seq?: number }
  | { readonly id: number; readonly op: 'put'; readonly key: string; readonly value: string; readonly client?: string; readonly seq?: number }
  | { readonly id: number; readonly op: 'delete'; readonly key: string; readonly client?: string; readonly seq?: number }
  | AdminRequest;

/** Requests of the control plane (the harness and src/rebalance.ts), sent straight to a node. */
export type AdminRequest =
  | { readonly id: number; readonly op: 'status' }
  | { readonly id: number; readonly op: 'add-replica'; readonly shard: number; readonly node: string }
  | { readonly id: number; readonly op: 'remove-replica'; readonly shard: number; readonly node: string }
  | { readonly id: number; readonly op: 'drop-shard'; readonly shard: number };

/** An admin request without its id: what src/rebalance.ts asks of an Admin. */
export type AdminBody =
  | { readonly op: 'status' }
  | { readonly op: 'add-replica' | 'remove-replica'; readonly shard: number; readonly node: string }
  | { readonly op: 'drop-shard'; readonly shard: number };

/** How the control plane reaches nodes; the harness gives one that talks to them directly, bypassing the proxies. */
export interface Admin {
  /** The nodes running now, old and new. */
  nodes(): readonly string[];
  /** Sends one admin request to a node; rejects if the node cannot be reached in time. */
  request(node: string, body: AdminBody): Promise<ClientReply>;
}

/**
 * Errors a node answers with. The first two promise the operation was NOT applied, so a client
 * may safely try elsewhere; after `unavailable` it may or may not have been (it timed out inside).
 */
export type ErrorCode = 'not-leader' | 'not-here' | 'unavailable' | 'bad-request';

export type ClientReply =
  | { readonly id: number; readonly ok: true; readonly value?: string | null; readonly status?: NodeStatus }
  | { readonly id: number; readonly ok: false; readonly error: ErrorCode; readonly message?: string; readonly leader?: string };

/** A node's answer to `status`: what it knows about each shard it hosts. */
export interface NodeStatus {
  readonly node: string;
  readonly shards: Record<string, ShardStatus>;
}

export interface ShardStatus {
  readonly role: 'leader' | 'follower' | 'candidate';
  readonly term: number;
  readonly leader: string | null;
  readonly members: readonly string[];
  readonly commit: number;
  readonly lastIndex: number;
  /** On the leader: the highest log index known to be on each member. */
  readonly match?: Record<string, number>;
}

/** An error code that promises the request had no effect. */
export function definitelyNotApplied(error: ErrorCode): boolean {
  return error === 'not-leader' || error === 'not-here' || error === 'bad-request';
}

/** Calls `onLine` with each parsed JSON line the socket delivers; a line that is not JSON goes to `onGarbage`. */
export function readLines(socket: Socket, onLine: (message: unknown) => void, onGarbage: (line: string) => void = () => {}): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim() !== '') {
        let message: unknown;
        try {
          message = JSON.parse(line);
        } catch {
          onGarbage(line);
          message = undefined;
        }
        if (message !== undefined) {
          onLine(message);
        }
      }
      newline = buffered.indexOf('\n');
    }
  });
}

export function writeLine(socket: Socket, message: unknown): void {
  if (!socket.destroyed && socket.writable) {
    socket.write(`${JSON.stringify(message)}\n`);
  }
}

const MAX_QUEUED = 1000;
const RECONNECT_MS = 50;

/**
 * A one-way link to a peer: send() never blocks and never throws. Messages sent while the link
 * is down wait (up to MAX_QUEUED) until it connects; if connecting fails they are dropped, as a
 * network would. Replies come back on the peer's own link to us, not on this socket.
 */
export class PeerLink {
  readonly address: string;
  #socket: Socket | undefined;
  #connected = false;
  #queue: string[] = [];
  #retryAt = 0;
  #closed = false;

  constructor(address: string) {
    this.address = address;
  }

  send(message: unknown): void {
    if (this.#closed) {
      return;
    }
    const line = `${JSON.stringify(message)}\n`;
    if (this.#connected && this.#socket) {
      this.#socket.write(line);
      return;
    }
    if (this.#queue.length < MAX_QUEUED) {
      this.#queue.push(line);
    }
    this.#connect();
  }

  close(): void {
    this.#closed = true;
    this.#socket?.destroy();
  }

  #connect(): void {
    if (this.#socket || Date.now() < this.#retryAt) {
      return;
    }
    const [host, port] = splitAddress(this.address);
    const socket = connect({ host, port, noDelay: true });
    this.#socket = socket;
    socket.on('connect', () => {
      this.#connected = true;
      socket.write(this.#queue.join(''));
      this.#queue = [];
    });
    socket.on('data', () => {}); // nothing comes back on this side
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#socket = undefined;
      this.#connected = false;
      this.#queue = [];
      this.#retryAt = Date.now() + RECONNECT_MS;
    });
  }
}

export function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}
