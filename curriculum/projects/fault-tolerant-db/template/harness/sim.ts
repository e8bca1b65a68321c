// A deterministic simulator for your Replica (src/replica.ts): every node of a cluster in this one
// process, on a virtual clock, with a seeded network that delays, drops, duplicates and reorders
// messages, partitions, and crashes that keep only what each node synced to its (in-memory) Disk.
// The same seed gives the same run, event for event, so a failing schedule replays exactly.
//
// The simulator plays the part of src/node.ts (hosting replicas, routing client requests, ticking
// every heartbeatMs) and of the clients; it drives only your Replica. For that to be deterministic
// a Replica must take time and randomness from its ReplicaEnv only (env.now(), env.random()) and
// use no timers of its own; work deferred with setImmediate or a promise runs before the clock
// moves on.
import { createHash, type Hash } from 'node:crypto';
import { Disk } from '../src/disk.ts';
import type { Command } from '../src/kv.ts';
import type { ShardStatus } from '../src/protocol.ts';
import { NotLeaderError, Replica, type PeerMessage } from '../src/replica.ts';
import { placeShards, shardOf } from '../src/ring.ts';
import { assertConsistent } from './checks.ts';
import { History } from './history.ts';
import { createRandom, type Random } from './random.ts';
import { nodeSetup, type Topology } from './topology.ts';

export interface NetworkFaults {
  /** Share of node-to-node messages lost. */
  readonly drop: number;
  /** Share delivered twice. */
  readonly duplicate: number;
  /** Each message takes between these many virtual milliseconds. */
  readonly delayMs: readonly [number, number];
  /** false: a link delivers in the order sent (as TCP does); true: each message on its own time. */
  readonly reorder: boolean;
}

export const CALM: NetworkFaults = { drop: 0, duplicate: 0, delayMs: [0.5, 2], reorder: false };

/** Spares can be started later with start(). */
export interface SimOptions extends Topology {
  readonly seed: number;
  /**
   * Share of client requests the network delivers once more, 50 to 400 ms later, its answer lost:
   * only the table of clients' last operations (KvState, and in snapshots) keeps it from applying twice.
   */
  readonly lateClientCopies?: number;
  /** Passed to every Replica (milestone 7). */
  readonly snapshotEvery?: number;
  /** With it, the verdict also bounds what each node keeps on disk (milestone 7). */
  readonly maxDiskBytes?: number;
  /** Milestone 3 has no elections yet: a tick() that throws its TODO(milestone 4) is left out. */
  readonly ticksOptional?: boolean;
  /** Every event as a line of text, as it happens (npm run sim -- --trace). */
  readonly trace?: (line: string) => void;
}

/** A broken rule the simulator saw: the run stops there. */
export class Violation extends Error {}

interface SimEvent {
  readonly at: number;
  readonly seq: number;
  readonly label: string;
  /** Returns true when it may have settled a promise, so promise callbacks must run before the next event. */
  readonly run: () => boolean | void;
  cancelled: boolean;
}

interface SimNode {
  readonly id: string;
  /** What the node's disk holds durably: survives crashes. */
  readonly files: Map<string, string>;
  disk: Disk | undefined;
  up: boolean;
  started: boolean;
  incarnation: number;
  /** Client requests and member changes submitted and not answered yet. */
  serving: number;
  replicas: Map<number, Replica>;
  readonly hosting: Set<number>;
  readonly dropped: Set<number>;
}

type Reply = { readonly ok: true; readonly value: string | null } | { readonly ok: false; readonly error: 'not-leader' | 'not-here' | 'unavailable'; readonly leader?: string | null };

export interface LoadOptions {
  readonly clients: number;
  readonly keys: number;
  /** Clients start operations until this virtual time. */
  readonly until: number;
  readonly reads?: number;
  readonly deletes?: number;
  readonly label?: string;
}

const CLIENT_ATTEMPT_MS = 500;
const MICROTASK_ROUNDS = 2;
const STORM_WINDOW = 200_000;
const MAX_EVENTS_PER_VIRTUAL_SECOND = 100_000;
const CLIENT_DEADLINE_MS = 4000;

export class Simulation {
  readonly options: SimOptions;
  readonly ids: readonly string[];
  readonly members: readonly string[];
  /** Not logged to .runs/ as it goes: a failing schedule's history is attached once, replayed (harness/schedules.ts). */
  readonly history = new History(false);
  readonly placement: readonly (readonly string[])[];
  /** Virtual milliseconds since the start. */
  now = 0;
  events = 0;
  messages = 0;
  readonly #heartbeatMs: number;
  readonly #electionMs: number;
  readonly #requestTimeoutMs: number;
  readonly #random: Random;
  readonly #net: Random;
  readonly #queue: SimEvent[] = [];
  readonly #nodes = new Map<string, SimNode>();
  readonly #cuts = new Map<string, number>();
  readonly #lastOnLink = new Map<string, number>();
  #lateCopies: { from: string; to: string; match: (message: PeerMessage) => boolean; delayMs: number; delivered: (() => void) | undefined }[] = [];
  readonly #leaderOfTerm = new Map<string, string>();
  readonly #digest: Hash = createHash('sha256');
  #faults: NetworkFaults = CALM;
  #drainedAt = 0;
  #ackWatchers: { shard: number; run: (node: string) => void }[] = [];
  #windowStartedAt = 0;
  #seq = 0;
  #failure: Error | undefined;
  #clients = 0;

  constructor(options: SimOptions) {
    this.options = options;
    const setup = nodeSetup(options);
    this.#heartbeatMs = setup.heartbeatMs;
    this.#electionMs = setup.electionMs;
    this.#requestTimeoutMs = setup.requestTimeoutMs;
    this.#random = createRandom(options.seed, 'sim');
    this.#net = this.#random.fork('network');
    this.ids = setup.ids;
    this.members = setup.members;
    this.placement = placeShards(this.members, options.shards, options.replicas);
    for (const id of this.ids) {
      this.#nodes.set(id, { id, files: new Map(), disk: undefined, up: false, started: false, incarnation: 0, serving: 0, replicas: new Map(), hosting: new Set(), dropped: new Set() });
    }
    for (const id of this.members) {
      this.start(id);
    }
  }

  /** The first problem found, if any: a broken invariant, or your code throwing. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** A hash of every event so far: two runs with the same seed and schedule give the same one. */
  digest(): string {
    return this.#digest.copy().digest('hex').slice(0, 16);
  }

  // ---- the clock -------------------------------------------------------------------------

  /** Runs `run` at virtual time `at` (not before now); `run` returns true if promise callbacks may be waiting. */
  at(at: number, label: string, run: () => boolean | void): SimEvent {
    const event: SimEvent = { at: Math.max(at, this.now), seq: this.#seq++, label, run, cancelled: false };
    heapPush(this.#queue, event);
    return event;
  }

  /** Resolves after `ms` virtual milliseconds. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) =>
      this.at(this.now + ms, 'sleep', () => {
        resolve();
        return true;
      }),
    );
  }

  /** Runs events until virtual time `time`, or until a failure. */
  async runUntil(time: number): Promise<void> {
    while (!this.#failure) {
      const next = this.#queue[0];
      if (!next || next.at > time) {
        break;
      }
      heapPop(this.#queue);
      if (next.cancelled) {
        continue;
      }
      this.now = next.at;
      this.events++;
      if (this.events % STORM_WINDOW === 0) {
        this.#checkForStorm();
      }
      this.#digest.update(`${this.now.toFixed(3)} ${next.label}\n`);
      this.options.trace?.(`${this.now.toFixed(1).padStart(9)} ms  ${next.label}`);
      let woke: boolean | void = false;
      try {
        woke = next.run();
      } catch (error) {
        this.fail(error);
      }
      // Promise callbacks (yours, the clients') run before the next event, when the event may
      // have settled a promise; work deferred with setImmediate runs before the clock moves on by
      // a virtual millisecond. Awaiting after every event would cost more than the events.
      if (woke) {
        for (let i = 0; i < MICROTASK_ROUNDS; i++) {
          await undefined;
        }
      }
      if ((this.#queue[0]?.at ?? Infinity) >= this.#drainedAt + 1) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.#drainedAt = this.now;
      }
    }
    if (!this.#failure) {
      this.now = Math.max(this.now, time);
    }
  }

  /** Runs until `done()` holds (checked after every event) or `timeoutMs` passes; true if it held. */
  async runUntilTrue(done: () => boolean, timeoutMs: number, step = 10): Promise<boolean> {
    const deadline = this.now + timeoutMs;
    while (!this.#failure && this.now < deadline) {
      if (done()) {
        return true;
      }
      await this.runUntil(Math.min(deadline, this.now + step));
    }
    return !this.#failure && done();
  }

  /** Runs the simulation until `work` settles (or a failure, or `timeoutMs`); its value, if it settled. */
  async drive<T>(work: Promise<T>, timeoutMs = 60_000): Promise<T | undefined> {
    let settled = false;
    let value: T | undefined;
    void work.then((result) => {
      settled = true;
      value = result;
    });
    await this.runUntilTrue(() => settled, timeoutMs, 50);
    return value;
  }

  /** A run whose events pile up faster than the clock moves is a storm of messages, not a cluster at work. */
  #checkForStorm(): void {
    const elapsed = this.now - this.#windowStartedAt;
    if (elapsed < (STORM_WINDOW / MAX_EVENTS_PER_VIRTUAL_SECOND) * 1000) {
      this.fail(
        new Violation(
          `a storm of messages: ${STORM_WINDOW} events in ${elapsed.toFixed(0)} virtual ms (a cluster at work needs a few thousand a second): ` +
            `some message is answered with more messages every time, without end (or a follower and its leader disagree on a committed entry and retry forever):\n${this.describeShards()}`,
        ),
      );
    }
    this.#windowStartedAt = this.now;
  }

  fail(error: unknown): void {
    this.#failure ??= error instanceof Error ? error : new Error(String(error));
  }

  // ---- nodes -----------------------------------------------------------------------------

  node(id: string): SimNode {
    const node = this.#nodes.get(id);
    if (!node) {
      throw new Error(`no node ${id}`);
    }
    return node;
  }

  isUp(id: string): boolean {
    return this.node(id).up;
  }

  /** Starts a node, or restarts a crashed one from what its disk kept. */
  start(id: string): void {
    const node = this.node(id);
    if (node.up) {
      return;
    }
    node.up = true;
    node.incarnation++;
    node.disk = new Disk(`sim:${id}`, { powerLoss: true, memory: node.files });
    node.replicas = new Map();
    if (!node.started) {
      node.started = true;
      this.placement.forEach((members, shard) => {
        if (members.includes(id)) {
          node.hosting.add(shard);
        }
      });
    }
    this.#digest.update(`start ${id}\n`);
    for (const shard of [...node.hosting].sort((a, b) => a - b)) {
      this.#host(node, shard);
    }
    const incarnation = node.incarnation;
    // Nodes do not tick in step: each starts at its own offset.
    const first = this.now + this.#heartbeatMs * this.#random.next();
    const tick = (at: number): void => {
      this.at(at, `tick ${id}`, () => {
        if (!node.up || node.incarnation !== incarnation) {
          return;
        }
        for (const [shard, replica] of node.replicas) {
          this.#guard(node, `tick() of shard ${shard}`, () => replica.tick(), true);
          this.#observe(node, shard, replica);
        }
        tick(at + this.#heartbeatMs);
        return node.serving > 0;
      });
    };
    tick(first);
  }

  /** Power cut: the node stops at once and keeps only what it synced. */
  crash(id: string): void {
    const node = this.node(id);
    if (!node.up) {
      return;
    }
    node.up = false;
    node.serving = 0;
    node.disk = undefined;
    node.replicas = new Map();
    this.#digest.update(`crash ${id}\n`);
  }

  /** Bytes on the node's disk (synced), all files together. */
  diskBytes(id: string): number {
    let bytes = 0;
    for (const text of this.node(id).files.values()) {
      bytes += Buffer.byteLength(text);
    }
    return bytes;
  }

  /** The shard's commit index on a running node that hosts it. */
  commitOn(id: string, shard: number): number | undefined {
    const replica = this.node(id).up ? this.node(id).replicas.get(shard) : undefined;
    return replica?.status().commit;
  }

  /** Tells a node it no longer hosts the shard (after it was removed from the members). */
  dropShard(id: string, shard: number): void {
    const node = this.node(id);
    node.replicas.get(shard)?.close();
    node.replicas.delete(shard);
    node.hosting.delete(shard);
    node.dropped.add(shard);
  }

  #host(node: SimNode, shard: number): Replica | undefined {
    const incarnation = node.incarnation;
    const random = this.#random.fork(`replica ${node.id} ${shard} ${incarnation}`);
    const replica = this.#guard(node, `new Replica for shard ${shard}`, () => {
      return new Replica(
        {
          self: node.id,
          shard,
          disk: node.disk as Disk,
          heartbeatMs: this.#heartbeatMs,
          electionMs: this.#electionMs,
          ...(this.options.snapshotEvery === undefined ? {} : { snapshotEvery: this.options.snapshotEvery }),
          send: (to, message) => {
            if (node.up && node.incarnation === incarnation) {
              this.#send(node.id, to, message);
            }
          },
          now: () => this.now,
          random: () => random.next(),
        },
        this.placement[shard] ?? [],
      );
    });
    if (replica) {
      node.replicas.set(shard, replica);
      node.hosting.add(shard);
    }
    return replica;
  }

  /** Runs your code; what it throws fails the run (as an exception would kill a node process). */
  #guard<T>(node: SimNode, what: string, run: () => T, tick = false): T | undefined {
    try {
      return run();
    } catch (error) {
      if (tick && this.options.ticksOptional && /TODO\(milestone 4\)/.test(String((error as Error).message))) {
        return undefined;
      }
      this.fail(new Error(`${node.id}: ${what} threw: ${(error as Error).stack ?? String(error)}`));
      return undefined;
    }
  }

  /** Election safety, checked after every event a replica handles: one leader per term and shard. */
  #observe(node: SimNode, shard: number, replica: Replica): void {
    if (replica.role !== 'leader') {
      return;
    }
    const term = replica.status().term;
    const key = `${shard}/${term}`;
    const known = this.#leaderOfTerm.get(key);
    if (known === undefined) {
      this.#leaderOfTerm.set(key, node.id);
    } else if (known !== node.id) {
      this.fail(new Violation(`two leaders of shard ${shard} in term ${term}: ${known} and ${node.id} (a replica voted twice in one term, or won without a majority)`));
    }
  }

  // ---- the network -----------------------------------------------------------------------

  setFaults(faults: NetworkFaults): void {
    this.#faults = faults;
    this.#digest.update(`faults ${JSON.stringify(faults)}\n`);
  }

  get faults(): NetworkFaults {
    return this.#faults;
  }

  /** Cuts a and b apart, both ways; cuts count, so each heal undoes one cut. */
  cut(a: string, b: string): void {
    this.cutLink(a, b);
    this.cutLink(b, a);
  }

  heal(a: string, b: string): void {
    this.healLink(a, b);
    this.healLink(b, a);
  }

  /** Cuts one direction only: what `from` sends `to` is lost, what `to` sends `from` still arrives. */
  cutLink(from: string, to: string): void {
    const link = `${from}>${to}`;
    this.#cuts.set(link, (this.#cuts.get(link) ?? 0) + 1);
  }

  healLink(from: string, to: string): void {
    const link = `${from}>${to}`;
    const count = (this.#cuts.get(link) ?? 0) - 1;
    if (count > 0) {
      this.#cuts.set(link, count);
    } else {
      this.#cuts.delete(link);
    }
  }

  /**
   * The next message `from` sends `to` that `match` accepts arrives as usual and once more,
   * `delayMs` later (a copy the network held back); `delivered` runs right after that copy is handled.
   */
  duplicateLater(from: string, to: string, match: (message: PeerMessage) => boolean, delayMs: number, delivered?: () => void): void {
    this.#lateCopies.push({ from, to, match, delayMs, delivered });
  }

  /** Cuts every link between `side` and the other nodes; returns the pairs cut, for healing. */
  partition(side: readonly string[]): [string, string][] {
    const pairs: [string, string][] = [];
    for (const a of side) {
      for (const b of this.ids.filter((id) => !side.includes(id))) {
        this.cut(a, b);
        pairs.push([a, b]);
      }
    }
    return pairs;
  }

  healAll(): void {
    this.#cuts.clear();
  }

  #blocked(from: string, to: string): boolean {
    return this.#cuts.has(`${from}>${to}`);
  }

  #send(from: string, to: string, message: PeerMessage): void {
    this.messages++;
    // Through JSON, as on the wire: the receiver never shares an object with the sender.
    const text = JSON.stringify(message);
    if (this.#blocked(from, to) || !this.#nodes.has(to)) {
      return;
    }
    const faults = this.#faults;
    if (faults.drop > 0 && this.#net.next() < faults.drop) {
      return;
    }
    const copies = faults.duplicate > 0 && this.#net.next() < faults.duplicate ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      const [low, high] = faults.delayMs;
      let at = this.now + low + (high - low) * this.#net.next();
      const link = `${from}>${to}`;
      if (!faults.reorder) {
        at = Math.max(at, this.#lastOnLink.get(link) ?? 0);
        this.#lastOnLink.set(link, at);
      }
      this.at(at, `${link} ${text}`, () => this.#deliver(from, to, text));
    }
    const late = this.#lateCopies.find((copy) => copy.from === from && copy.to === to && copy.match(message));
    if (late) {
      this.#lateCopies = this.#lateCopies.filter((copy) => copy !== late);
      this.at(this.now + late.delayMs, `${from}>${to} (late copy) ${text}`, () => {
        const woke = this.#deliver(from, to, text);
        late.delivered?.();
        return woke;
      });
    }
  }

  #deliver(from: string, to: string, text: string): boolean {
    const node = this.node(to);
    if (!node.up || this.#blocked(from, to)) {
      return false;
    }
    const message = JSON.parse(text) as PeerMessage;
    const shard = (message as { shard?: unknown }).shard;
    if (typeof shard !== 'number') {
      this.fail(new Error(`${from} sent ${to} a message without a numeric "shard": ${text}`));
      return false;
    }
    let replica = node.replicas.get(shard);
    if (!replica && !node.dropped.has(shard)) {
      // As src/node.ts does: a leader added this node to the shard; start empty and let it send the log.
      replica = this.#host(node, shard);
    }
    if (replica) {
      const target = replica;
      this.#guard(node, `receive() of shard ${shard}`, () => target.receive(message));
      this.#observe(node, shard, target);
    }
    return node.serving > 0;
  }

  // ---- clients and the control plane -----------------------------------------------------

  /** The running node leading `shard` in the highest term, and its status. */
  leaderOf(shard: number): { node: string; status: ShardStatus } | undefined {
    let best: { node: string; status: ShardStatus } | undefined;
    for (const node of this.#nodes.values()) {
      const replica = node.up ? node.replicas.get(shard) : undefined;
      if (replica?.role === 'leader') {
        const status = replica.status();
        if (!best || status.term > best.status.term) {
          best = { node: node.id, status };
        }
      }
    }
    return best;
  }

  /** The shard's status on each running node that hosts it. */
  statuses(shard: number): Map<string, ShardStatus> {
    const result = new Map<string, ShardStatus>();
    for (const node of this.#nodes.values()) {
      const replica = node.up ? node.replicas.get(shard) : undefined;
      if (replica) {
        result.set(node.id, replica.status());
      }
    }
    return result;
  }

  /** Every shard has a leader that committed an entry of its term (as Cluster.waitForLeaders). */
  leadersReady(): boolean {
    for (let shard = 0; shard < this.options.shards; shard++) {
      const leader = this.leaderOf(shard);
      if (!leader || leader.status.commit !== leader.status.lastIndex || leader.status.commit === 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * One client request to a node, as src/node.ts serves it: the replica of the key's shard, or
   * not-here, not-leader, or unavailable after requestTimeoutMs. Resolves with the reply, or with
   * undefined if none came back within `timeoutMs`.
   */
  request(to: string, command: Command, timeoutMs: number): Promise<Reply | undefined> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (reply: Reply | undefined): true => {
        if (!settled) {
          settled = true;
          timer.cancelled = true;
          resolve(reply);
        }
        return true;
      };
      const timer = this.at(this.now + timeoutMs, `client timeout ${command.client ?? ''}#${command.seq ?? ''}`, () => settle(undefined));
      const copies = this.options.lateClientCopies && this.#net.next() < this.options.lateClientCopies ? 2 : 1;
      for (let copy = 0; copy < copies; copy++) {
        const delay = copy === 0 ? this.#clientDelay() : 50 + 350 * this.#net.next();
        const answer = copy === 0 ? settle : (): true => true;
        this.#clientRequestArrives(to, command, delay, answer);
      }
    });
  }

  #clientRequestArrives(to: string, command: Command, delay: number, settle: (reply: Reply | undefined) => true): void {
    this.at(this.now + delay, `client>${to} ${JSON.stringify(command)}`, () => {
      const node = this.node(to);
      if (!node.up) {
        return false;
      }
      const replica = node.replicas.get(shardOf(command.key, this.options.shards));
      if (!replica) {
        this.#reply(to, command, { ok: false, error: 'not-here' }, settle);
        return false;
      }
      this.#serve(node, replica, () => replica.submit(command), (reply) => this.#reply(to, command, reply, settle));
      return true;
    });
  }

  /** Through the shard's leader: the members become `members`. Resolves true once committed. */
  changeMembers(shard: number, members: readonly string[]): Promise<boolean> {
    const leader = this.leaderOf(shard);
    const replica = leader ? this.node(leader.node).replicas.get(shard) : undefined;
    if (!leader || !replica) {
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      this.#serve(this.node(leader.node), replica, () => replica.changeMembers(members), (reply) => resolve(reply.ok));
      // A leader that crashes meanwhile never answers: the control plane gives up, as over TCP.
      this.at(this.now + this.#requestTimeoutMs + 1, `member change timeout on ${leader.node}`, () => {
        resolve(false);
        return true;
      });
    });
  }

  #serve(node: SimNode, replica: Replica, work: () => Promise<unknown>, answer: (reply: Reply) => void): void {
    const incarnation = node.incarnation;
    let answered = false;
    const once = (reply: Reply): true => {
      if (!answered && node.up && node.incarnation === incarnation) {
        answered = true;
        node.serving--;
        timeout.cancelled = true;
        answer(reply);
      }
      return true;
    };
    node.serving++;
    const timeout = this.at(this.now + this.#requestTimeoutMs, `request timeout on ${node.id}`, () => once({ ok: false, error: 'unavailable' }));
    let promise: Promise<unknown>;
    try {
      promise = work();
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (result) => once({ ok: true, value: (result as { value?: string | null } | undefined)?.value ?? null }),
      (error: unknown) => {
        if (error instanceof NotLeaderError) {
          once({ ok: false, error: 'not-leader', leader: error.leader });
        } else {
          if (/TODO\(milestone/.test(String((error as Error)?.message))) {
            this.fail(new Error(`${node.id}: ${(error as Error).message}`));
          }
          once({ ok: false, error: 'unavailable' });
        }
      },
    );
  }

  /**
   * One put sent once to one node, with no retry elsewhere (a scripted step's write: it must land
   * on that node's log); in the history as acknowledged, or as unknown if no answer came in time.
   */
  async putOnce(to: string, name: string, key: string, value: string, timeoutMs = CLIENT_ATTEMPT_MS): Promise<{ ok: boolean; command: Command }> {
    const start = this.now;
    const command: Command = { op: 'put', key, value, client: `${name}-${++this.#clients}`, seq: 1 };
    const reply = await this.request(to, command, timeoutMs);
    const ok = reply?.ok === true;
    const definitelyNot = reply !== undefined && !reply.ok && reply.error !== 'unavailable';
    this.history.record({ client: name, op: 'put', key, value, start, end: ok || definitelyNot ? this.now : Infinity, outcome: ok ? 'ok' : definitelyNot ? 'fail' : 'unknown' });
    return { ok, command };
  }

  /** A copy of a client request the network held back arrives at `to` after `delayMs`; its answer is lost. */
  deliverClientCopy(to: string, command: Command, delayMs: number): void {
    this.#clientRequestArrives(to, command, delayMs, () => true);
  }

  /** Called once when a node next acknowledges a write of `shard` to a client, before the reply leaves it. */
  onNextWriteAcknowledged(shard: number, run: (node: string) => void): void {
    this.#ackWatchers.push({ shard, run });
  }

  #reply(from: string, command: Command, reply: Reply, settle: (reply: Reply) => void): void {
    if (reply.ok && command.op !== 'get') {
      const shard = shardOf(command.key, this.options.shards);
      const watchers = this.#ackWatchers.filter((w) => w.shard === shard);
      this.#ackWatchers = this.#ackWatchers.filter((w) => w.shard !== shard);
      for (const watcher of watchers) {
        watcher.run(from);
      }
    }
    this.at(this.now + this.#clientDelay(), `${from}>client ${command.client ?? ''}#${command.seq ?? ''} ${JSON.stringify(reply)}`, () => settle(reply));
  }

  #clientDelay(): number {
    return 0.2 + 0.8 * this.#net.next();
  }

  /** A client with one operation in flight that retries as harness/client.ts does; every operation lands in the history. */
  client(name: string, options: { deadlineMs?: number } = {}): SimClient {
    return new SimClient(this, name, `${name}-${++this.#clients}`, this.#random.fork(`client ${name}`), options.deadlineMs ?? CLIENT_DEADLINE_MS);
  }

  /** Clients doing gets, puts (each of a value never written before) and deletes until `until`. */
  load(options: LoadOptions): { keys: string[]; done: Promise<void> } {
    const keys = Array.from({ length: options.keys }, (_, i) => `key-${i}`);
    const done = Promise.all(
      Array.from({ length: options.clients }, async (_, c) => {
        const name = `${options.label ?? 'c'}${c + 1}`;
        const random = this.#random.fork(`load ${name}`);
        const client = this.client(name);
        for (let i = 0; this.now < options.until && !this.#failure; i++) {
          const key = random.pick(keys);
          const dice = random.next();
          if (dice < (options.reads ?? 0.35)) {
            await client.run({ op: 'get', key });
          } else if (dice < (options.reads ?? 0.35) + (options.deletes ?? 0.05)) {
            await client.run({ op: 'delete', key });
          } else {
            await client.run({ op: 'put', key, value: `${name}:${i}` });
          }
          await this.sleep(random.next() * 5);
        }
      }),
    ).then(() => undefined);
    return { keys, done };
  }

  /**
   * The end of every schedule: heal, restart every node, wait for leaders, read every key; then
   * every replica must catch up with its leader; then (with elections) each shard's leader is
   * crashed in turn and the keys read again through its successor; then the whole history is
   * checked (no acknowledged write lost, no stale read, linearizable per key).
   */
  async verify(keys: readonly string[], options: { rotateLeaders: boolean }): Promise<void> {
    this.healAll();
    this.setFaults(CALM);
    for (const node of this.#nodes.values()) {
      if (node.started) {
        this.start(node.id);
      }
    }
    if (!(await this.runUntilTrue(() => this.leadersReady(), 10_000))) {
      this.fail(new Violation(`after healing everything and restarting every node, some shard had no leader within 10 virtual seconds:\n${this.describeShards()}`));
      return;
    }
    const reader = this.client('end', { deadlineMs: 10_000 });
    const final = new Map<string, string | null>();
    for (const key of keys) {
      const answer = await this.drive(reader.run({ op: 'get', key }));
      if (this.#failure) {
        return;
      }
      if (!answer?.ok) {
        this.fail(new Violation(`the final read of ${key} got no answer after healing everything:\n${this.describeShards()}`));
        return;
      }
      final.set(key, answer.value);
    }
    if (!(await this.runUntilTrue(() => this.#caughtUp(), 5000))) {
      this.fail(
        new Violation(
          `after healing, some replica did not catch up with its leader within 5 virtual seconds (the same last index${this.options.ticksOptional ? '' : ' and commit'}): ` +
            `a follower that takes entries without checking that its log matches the leader's just before them, or drops entries it has, ends up with another log:\n${this.describeShards()}`,
        ),
      );
      return;
    }
    if (options.rotateLeaders) {
      // Every log is now committed on every member, so no write can still take effect: whichever
      // member leads must serve exactly the values just read. Each member gets to lead once.
      for (let shard = 0; shard < this.options.shards && !this.#failure; shard++) {
        const onShard = keys.filter((key) => shardOf(key, this.options.shards) === shard);
        const members = this.leaderOf(shard)?.status.members ?? [];
        for (const member of members) {
          for (let attempt = 0; attempt < 4 && this.leaderOf(shard)?.node !== member && !this.#failure; attempt++) {
            const leader = this.leaderOf(shard)?.node;
            if (leader) {
              this.crash(leader);
              await this.runUntilTrue(() => this.leaderOf(shard) !== undefined, 5000);
              this.start(leader);
            }
          }
          const leader = this.leaderOf(shard)?.node;
          if (leader === undefined || this.#failure) {
            break;
          }
          const reader = this.client(`led-by-${leader}`, { deadlineMs: 10_000 });
          for (const key of onShard) {
            const answer = await this.drive(reader.run({ op: 'get', key }));
            if (answer?.ok && answer.value !== final.get(key)) {
              this.fail(
                new Violation(
                  `replicas disagree: with every log committed and nothing written since, ${key} read ${JSON.stringify(final.get(key))}, ` +
                    `then ${JSON.stringify(answer.value)} once ${leader} led shard ${shard}: its log or state differs from the others'\n${this.describeShards()}`,
                ),
              );
              return;
            }
          }
          await this.runUntilTrue(() => this.#caughtUp(), 5000);
        }
      }
      if (this.#failure) {
        return;
      }
    }
    if (this.options.maxDiskBytes !== undefined) {
      // Snapshots keep a node's disk to about its state plus snapshotEvery entries per shard.
      const writes = this.history.ops.filter((o) => o.op !== 'get').length;
      for (const id of this.ids.filter((id) => this.node(id).started)) {
        const bytes = this.diskBytes(id);
        if (bytes > this.options.maxDiskBytes) {
          this.fail(
            new Violation(
              `the log grows without bound: after ${writes} writes ${id} keeps ${(bytes / 1024).toFixed(0)} KiB on disk; with a snapshot every ` +
                `${this.options.snapshotEvery ?? 100} entries it needs a few KiB (the state, the client table, the entries since the snapshot)`,
            ),
          );
          return;
        }
      }
    }
    try {
      assertConsistent(this.history.ops, final);
    } catch (error) {
      this.fail(new Violation((error as Error).message));
    }
  }

  /** Every running member of each shard has its leader's commit and last index. */
  #caughtUp(): boolean {
    for (let shard = 0; shard < this.options.shards; shard++) {
      const leader = this.leaderOf(shard);
      if (!leader) {
        return false;
      }
      const statuses = this.statuses(shard);
      for (const member of leader.status.members) {
        const status = statuses.get(member);
        // Without ticks (milestone 3) a follower learns the last commit only with the next write.
        const commitBehind = !this.options.ticksOptional && status?.commit !== leader.status.commit;
        if (this.node(member).up && (!status || commitBehind || status.lastIndex !== leader.status.lastIndex)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Each shard's replicas, one line each: for failure messages. */
  describeShards(): string {
    const lines: string[] = [];
    for (let shard = 0; shard < this.options.shards; shard++) {
      for (const node of this.#nodes.values()) {
        const replica = node.up ? node.replicas.get(shard) : undefined;
        if (replica) {
          const s = replica.status();
          lines.push(`  shard ${shard} on ${node.id}: ${s.role}, term ${s.term}, leader ${s.leader ?? '?'}, members ${s.members.join(',')}, commit ${s.commit}, last index ${s.lastIndex}`);
        } else if (node.hosting.has(shard)) {
          lines.push(`  shard ${shard} on ${node.id}: node down`);
        }
      }
    }
    return lines.join('\n');
  }
}

export type Answer = { readonly ok: true; readonly value: string | null } | { readonly ok: false };

/** A simulated client: as harness/client.ts, on the virtual clock. */
export class SimClient {
  readonly #sim: Simulation;
  readonly #name: string;
  readonly #identity: string;
  readonly #random: Random;
  readonly #deadlineMs: number;
  readonly #leaderOf = new Map<string, string>();
  #seq = 0;
  #rotation: number;

  constructor(sim: Simulation, name: string, identity: string, random: Random, deadlineMs: number) {
    this.#sim = sim;
    this.#name = name;
    this.#identity = identity;
    this.#random = random;
    this.#deadlineMs = deadlineMs;
    this.#rotation = random.int(0, sim.ids.length - 1);
  }

  async run(request: { op: 'get'; key: string } | { op: 'delete'; key: string } | { op: 'put'; key: string; value: string }): Promise<Answer> {
    const sim = this.#sim;
    const seq = ++this.#seq;
    const command = { ...request, client: this.#identity, seq } as Command;
    const start = sim.now;
    const deadline = start + this.#deadlineMs;
    const nodes = sim.ids.filter((id) => sim.node(id).started);
    let mayHaveApplied = false;
    let target = this.#leaderOf.get(request.key) ?? (nodes[this.#rotation % nodes.length] as string);
    for (let attempt = 0; sim.now < deadline && !sim.failure; attempt++) {
      const reply = await sim.request(target, command, Math.min(CLIENT_ATTEMPT_MS, deadline - sim.now));
      if (reply?.ok) {
        this.#leaderOf.set(request.key, target);
        this.#record(request, start, 'ok', reply.value);
        return { ok: true, value: reply.value };
      }
      mayHaveApplied ||= !reply || reply.error === 'unavailable';
      if (reply && reply.error === 'not-leader' && reply.leader && reply.leader !== target && sim.ids.includes(reply.leader) && attempt % 4 !== 3) {
        target = reply.leader;
        continue;
      }
      this.#rotation++;
      target = nodes[this.#rotation % nodes.length] as string;
      this.#leaderOf.delete(request.key);
      await sim.sleep(Math.min(250, 10 * 2 ** Math.min(attempt, 10)) * this.#random.next());
    }
    this.#record(request, start, mayHaveApplied ? 'unknown' : 'fail');
    return { ok: false };
  }

  #record(request: { op: 'get' | 'put' | 'delete'; key: string; value?: string }, start: number, outcome: 'ok' | 'fail' | 'unknown', output?: string | null): void {
    const end = outcome === 'unknown' ? Infinity : this.#sim.now;
    this.#sim.history.record({ client: this.#name, ...request, start, end, outcome, ...(outcome === 'ok' ? { output } : {}) });
  }
}

// A binary heap of events ordered by time, then by the order they were scheduled.
function before(a: SimEvent, b: SimEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function heapPush(heap: SimEvent[], event: SimEvent): void {
  heap.push(event);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i] as SimEvent, heap[parent] as SimEvent)) {
      break;
    }
    [heap[i], heap[parent]] = [heap[parent] as SimEvent, heap[i] as SimEvent];
    i = parent;
  }
}

function heapPop(heap: SimEvent[]): SimEvent | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length > 0 && last) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && before(heap[left] as SimEvent, heap[smallest] as SimEvent)) {
        smallest = left;
      }
      if (right < heap.length && before(heap[right] as SimEvent, heap[smallest] as SimEvent)) {
        smallest = right;
      }
      if (smallest === i) {
        break;
      }
      [heap[i], heap[smallest]] = [heap[smallest] as SimEvent, heap[i] as SimEvent];
      i = smallest;
    }
  }
  return top;
}
