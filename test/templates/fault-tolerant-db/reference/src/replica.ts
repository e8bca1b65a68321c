// Milestones 3 to 6: one replica of one shard. The replicas of a shard keep the same log of
// commands: a leader (the primary) appends, the followers (backups) copy, and an entry counts
// (is committed, then applied and acknowledged) once a majority holds it durably. Terms fence off
// old leaders; elections replace a dead one; the member list itself is an entry of the log.
// This reference follows Raft (Ongaro & Ousterhout, 2014), with snapshots (milestone 7): once
// enough entries are applied, the state and the table of clients replace them on disk.
import type { Disk } from './disk.ts';
import { KvState, type Command, type KvSnapshot, type Result } from './kv.ts';
import type { ShardStatus } from './protocol.ts';
import { Wal } from './wal.ts';

export type EntryCommand = Command | { readonly op: 'noop' } | { readonly op: 'config'; readonly members: readonly string[] };

export interface Entry {
  /** Index in the log, from 1. */
  readonly i: number;
  /** Term of the leader that appended it. */
  readonly t: number;
  readonly c: EntryCommand;
}

export type PeerMessage =
  | { readonly type: 'append'; readonly shard: number; readonly term: number; readonly from: string; readonly prevIndex: number; readonly prevTerm: number; readonly entries: readonly Entry[]; readonly commit: number }
  | { readonly type: 'append-reply'; readonly shard: number; readonly term: number; readonly from: string; readonly success: boolean; readonly match: number; readonly next: number }
  | { readonly type: 'vote'; readonly shard: number; readonly term: number; readonly from: string; readonly lastIndex: number; readonly lastTerm: number; readonly pre?: boolean }
  | { readonly type: 'vote-reply'; readonly shard: number; readonly term: number; readonly from: string; readonly granted: boolean; readonly pre?: boolean }
  | { readonly type: 'snapshot'; readonly shard: number; readonly term: number; readonly from: string; readonly index: number; readonly lastTerm: number; readonly members: readonly string[]; readonly state: KvSnapshot };

export interface ReplicaEnv {
  readonly self: string;
  readonly shard: number;
  readonly disk: Disk;
  readonly heartbeatMs: number;
  /** A follower that hears no leader for electionMs to 2 × electionMs starts an election. */
  readonly electionMs: number;
  /** Milestone 7: take a snapshot once this many applied entries follow the last one (default 100). */
  readonly snapshotEvery?: number;
  send(to: string, message: PeerMessage): void;
  now(): number;
  random(): number;
}

/** Thrown by submit and changeMembers on a replica that is not the leader: nothing was appended. */
export class NotLeaderError extends Error {
  readonly leader: string | null;
  constructor(leader: string | null) {
    super(leader ? `not the leader; try ${leader}` : 'not the leader; leader unknown');
    this.leader = leader;
  }
}

/** The leader lost its term before the entry committed: it may still commit later, or never. */
export class UnavailableError extends Error {}

type WalRecord = Entry | { readonly truncate: number };

/** What the snapshot file holds: the state after applying entry `index`, and the members then. */
interface Snapshot {
  readonly index: number;
  readonly term: number;
  readonly members: readonly string[];
  readonly state: KvSnapshot;
}

const MAX_ENTRIES_PER_APPEND = 64;

export class Replica {
  readonly #env: ReplicaEnv;
  readonly #wal: Wal<WalRecord>;
  readonly #metaFile: string;
  readonly #snapshotFile: string;
  readonly #walFile: string;
  readonly #initialMembers: readonly string[];
  #term = 0;
  #votedFor: string | null = null;
  /** The entries after the snapshot: #log[0] is entry #snapshot.index + 1. */
  #log: Entry[] = [];
  #snapshot: Snapshot | undefined;
  #members: readonly string[];
  #role: 'leader' | 'follower' | 'candidate' = 'follower';
  #leader: string | null = null;
  #commit = 0;
  #applied = 0;
  #kv = new KvState();
  #votes = new Set<string>();
  #preVotes = new Set<string>();
  #next = new Map<string, number>();
  #match = new Map<string, number>();
  #pending = new Map<number, { term: number; resolve: (result: Result) => void; reject: (error: Error) => void }>();
  #electionAt: number;
  #heardLeaderAt = -Infinity;
  #sendScheduled = false;
  #closed = false;

  constructor(env: ReplicaEnv, initialMembers: readonly string[]) {
    this.#env = env;
    this.#initialMembers = initialMembers;
    this.#walFile = `shard-${env.shard}.wal`;
    this.#wal = new Wal<WalRecord>(env.disk, this.#walFile);
    this.#metaFile = `shard-${env.shard}.meta`;
    this.#snapshotFile = `shard-${env.shard}.snapshot`;
    const saved = env.disk.read(this.#snapshotFile);
    if (saved !== undefined) {
      // Start from the snapshot, not from index 1: only the entries after it are replayed.
      this.#snapshot = JSON.parse(saved) as Snapshot;
      this.#kv = KvState.restore(this.#snapshot.state);
      this.#commit = this.#applied = this.#snapshot.index;
    }
    for (const record of this.#wal.replay()) {
      if ('truncate' in record) {
        this.#log.length = Math.max(0, record.truncate - 1 - this.#snapshotIndex());
      } else if (record.i === this.#lastIndex() + 1) {
        this.#log.push(record);
      }
    }
    const meta = env.disk.read(this.#metaFile);
    if (meta !== undefined) {
      const saved = JSON.parse(meta) as { term: number; votedFor: string | null };
      this.#term = saved.term;
      this.#votedFor = saved.votedFor;
    }
    this.#members = this.#currentMembers();
    // The first member of a fresh group stands first, so a new cluster has its leaders at once.
    const fresh = this.#term === 0 && this.#lastIndex() === 0 && initialMembers[0] === env.self;
    this.#electionAt = env.now() + (fresh ? env.heartbeatMs : this.#electionTimeout());
  }

  get role(): 'leader' | 'follower' | 'candidate' {
    return this.#role;
  }

  get leader(): string | null {
    return this.#leader;
  }

  get members(): readonly string[] {
    return this.#members;
  }

  status(): ShardStatus {
    return {
      role: this.#role,
      term: this.#term,
      leader: this.#leader,
      members: this.#members,
      commit: this.#commit,
      lastIndex: this.#lastIndex(),
      ...(this.#role === 'leader' ? { match: Object.fromEntries(this.#members.map((m) => [m, m === this.#env.self ? this.#lastIndex() : (this.#match.get(m) ?? 0)])) } : {}),
    };
  }

  /** Appends a command on the leader; resolves with its result once committed and applied. */
  submit(command: EntryCommand): Promise<Result> {
    if (this.#role !== 'leader') {
      return Promise.reject(new NotLeaderError(this.#leader));
    }
    const index = this.#appendLocal(command);
    this.#wal.sync();
    const done = new Promise<Result>((resolve, reject) => {
      this.#pending.set(index, { term: this.#term, resolve, reject });
    });
    this.#advanceCommit();
    this.#scheduleSend();
    return done;
  }

  /**
   * Changes the members by one node (added or removed), through the log: the new list counts as
   * soon as it is appended, and the next change waits until this one is committed.
   */
  async changeMembers(members: readonly string[]): Promise<void> {
    if (this.#role !== 'leader') {
      throw new NotLeaderError(this.#leader);
    }
    const changed = members.filter((m) => !this.#members.includes(m)).length + this.#members.filter((m) => !members.includes(m)).length;
    if (changed === 0) {
      return;
    }
    const pendingConfig = this.#log.slice(this.#commit - this.#snapshotIndex()).some((entry) => entry.c.op === 'config');
    if (changed > 1 || pendingConfig) {
      throw new UnavailableError('change one member at a time, after the previous change committed');
    }
    await this.submit({ op: 'config', members: [...members] });
  }

  /** Called every heartbeatMs: the leader sends heartbeats, a follower may start an election. */
  tick(): void {
    if (this.#closed) {
      return;
    }
    if (this.#role === 'leader') {
      this.#sendAppends();
    } else if (this.#env.now() >= this.#electionAt && this.#members.includes(this.#env.self)) {
      this.#startPreVote();
    }
  }

  receive(message: PeerMessage): void {
    if (this.#closed) {
      return;
    }
    switch (message.type) {
      case 'append':
        this.#onAppend(message);
        break;
      case 'append-reply':
        this.#onAppendReply(message);
        break;
      case 'vote':
        this.#onVote(message);
        break;
      case 'vote-reply':
        this.#onVoteReply(message);
        break;
      case 'snapshot':
        this.#onSnapshot(message);
        break;
    }
  }

  close(): void {
    this.#closed = true;
    this.#failPending('the replica closed');
  }

  #onAppend(m: Extract<PeerMessage, { type: 'append' }>): void {
    if (!this.#followLeader(m)) {
      return;
    }
    const snapshotIndex = this.#snapshotIndex();
    if (m.prevIndex < snapshotIndex) {
      // Everything up to the snapshot is committed, the same everywhere: keep only what follows it.
      const last = m.prevIndex + m.entries.length;
      if (last <= snapshotIndex) {
        this.#answerLeader(m.from, true, last, this.#lastIndex() + 1);
        return;
      }
      m = { ...m, prevIndex: snapshotIndex, prevTerm: this.#termAt(snapshotIndex), entries: m.entries.filter((entry) => entry.i > snapshotIndex) };
    }
    if (m.prevIndex > this.#lastIndex() || this.#termAt(m.prevIndex) !== m.prevTerm) {
      // Entries up to our commit index are on every future leader: resend from there.
      const next = Math.min(this.#lastIndex(), this.#commit) + 1;
      this.#answerLeader(m.from, false, 0, next);
      return;
    }
    let changed = false;
    for (const entry of m.entries) {
      if (entry.i <= this.#lastIndex()) {
        if (this.#termAt(entry.i) === entry.t) {
          continue;
        }
        this.#log.length = entry.i - 1 - this.#snapshotIndex();
        this.#wal.append({ truncate: entry.i });
      }
      this.#log.push(entry);
      this.#wal.append(entry);
      changed = true;
    }
    if (changed) {
      this.#wal.sync();
      this.#members = this.#currentMembers();
    }
    const match = m.prevIndex + m.entries.length;
    if (m.commit > this.#commit) {
      this.#commit = Math.max(this.#commit, Math.min(m.commit, match));
      this.#apply();
    }
    this.#answerLeader(m.from, true, match, match + 1);
  }

  /** InstallSnapshot: a follower too far behind for the leader's log takes its snapshot instead. */
  #onSnapshot(m: Extract<PeerMessage, { type: 'snapshot' }>): void {
    if (!this.#followLeader(m)) {
      return;
    }
    if (m.index > this.#commit) {
      // Entries after the snapshot that agree with it stay; anything else is replaced by it.
      this.#log = this.#termAt(m.index) === m.lastTerm ? this.#log.slice(m.index - this.#snapshotIndex()) : [];
      this.#snapshot = { index: m.index, term: m.lastTerm, members: m.members, state: m.state };
      this.#kv = KvState.restore(m.state);
      this.#commit = this.#applied = m.index;
      this.#members = this.#currentMembers();
      this.#saveSnapshot();
    }
    this.#answerLeader(m.from, true, m.index, this.#lastIndex() + 1);
  }

  /**
   * What an append and a snapshot both start with. One from an older term is refused and its
   * sender told the newer term, so it steps down (fencing); otherwise this replica follows the
   * sender, in its term, and hears no need for an election for a while.
   */
  #followLeader(m: { readonly term: number; readonly from: string }): boolean {
    if (m.term < this.#term) {
      this.#answerLeader(m.from, false, 0, 0);
      return false;
    }
    if (m.term > this.#term) {
      this.#adoptTerm(m.term);
    } else if (this.#role !== 'follower') {
      this.#stepDown();
    }
    this.#leader = m.from;
    this.#heardLeaderAt = this.#env.now();
    this.#electionAt = this.#env.now() + this.#electionTimeout();
    return true;
  }

  /** The one answer to an append or a snapshot: whether it was taken, what this replica now holds up to, and where the leader should go on from. */
  #answerLeader(to: string, success: boolean, match: number, next: number): void {
    this.#env.send(to, { type: 'append-reply', shard: this.#env.shard, term: this.#term, from: this.#env.self, success, match, next });
  }

  #onAppendReply(m: Extract<PeerMessage, { type: 'append-reply' }>): void {
    if (m.term > this.#term) {
      this.#adoptTerm(m.term);
      return;
    }
    if (this.#role !== 'leader' || m.term !== this.#term) {
      return;
    }
    if (m.success) {
      const next = this.#next.get(m.from) ?? 1;
      this.#match.set(m.from, Math.max(this.#match.get(m.from) ?? 0, m.match));
      this.#next.set(m.from, Math.max(next, m.match + 1));
      this.#advanceCommit();
      if (m.match + 1 <= next) {
        return; // a duplicate or late reply: sending on would start another stream of appends
      }
    } else {
      this.#next.set(m.from, Math.max(1, Math.min(m.next, this.#lastIndex() + 1)));
    }
    if ((this.#next.get(m.from) ?? 1) <= this.#lastIndex()) {
      this.#sendAppend(m.from);
    }
  }

  #onVote(m: Extract<PeerMessage, { type: 'vote' }>): void {
    const heardLeaderRecently = this.#role === 'leader' || (this.#leader !== null && this.#env.now() - this.#heardLeaderAt < this.#env.electionMs);
    const upToDate = m.lastTerm > this.#termAt(this.#lastIndex()) || (m.lastTerm === this.#termAt(this.#lastIndex()) && m.lastIndex >= this.#lastIndex());
    if (m.pre) {
      // A pre-vote changes nothing here: it only tells the sender whether a real election could win.
      const granted = !heardLeaderRecently && m.term > this.#term && upToDate;
      this.#env.send(m.from, { type: 'vote-reply', shard: this.#env.shard, term: this.#term, from: this.#env.self, granted, pre: true });
      return;
    }
    if (heardLeaderRecently && this.#role !== 'leader' && m.term > this.#term) {
      // A live leader exists: a member that was cut off (or removed) must not depose it.
      return;
    }
    if (m.term > this.#term) {
      this.#adoptTerm(m.term);
    }
    const granted = m.term === this.#term && upToDate && (this.#votedFor === null || this.#votedFor === m.from);
    if (granted && this.#votedFor !== m.from) {
      this.#votedFor = m.from;
      this.#saveMeta();
    }
    if (granted) {
      this.#electionAt = this.#env.now() + this.#electionTimeout();
    }
    this.#env.send(m.from, { type: 'vote-reply', shard: this.#env.shard, term: this.#term, from: this.#env.self, granted });
  }

  #onVoteReply(m: Extract<PeerMessage, { type: 'vote-reply' }>): void {
    if (m.term > this.#term) {
      this.#adoptTerm(m.term);
      return;
    }
    if (m.pre) {
      const heardLeaderRecently = this.#leader !== null && this.#env.now() - this.#heardLeaderAt < this.#env.electionMs;
      if (m.granted && this.#role !== 'leader' && !heardLeaderRecently) {
        this.#preVotes.add(m.from);
        if (this.#hasMajority(this.#preVotes)) {
          this.#preVotes.clear();
          this.#startElection();
        }
      }
      return;
    }
    if (this.#role === 'candidate' && m.term === this.#term && m.granted) {
      this.#votes.add(m.from);
      if (this.#hasMajority(this.#votes)) {
        this.#becomeLeader();
      }
    }
  }

  /**
   * Before raising its term, a replica asks whether it could win. One cut off from the others
   * cannot, so it never comes back with a high term that would depose a working leader.
   */
  #startPreVote(): void {
    this.#preVotes = new Set([this.#env.self]);
    this.#electionAt = this.#env.now() + this.#electionTimeout();
    if (this.#hasMajority(this.#preVotes)) {
      this.#startElection();
      return;
    }
    this.#requestVotes(this.#term + 1, true);
  }

  #startElection(): void {
    this.#term++;
    this.#votedFor = this.#env.self;
    this.#saveMeta();
    this.#role = 'candidate';
    this.#leader = null;
    this.#votes = new Set([this.#env.self]);
    this.#electionAt = this.#env.now() + this.#electionTimeout();
    if (this.#hasMajority(this.#votes)) {
      this.#becomeLeader();
      return;
    }
    this.#requestVotes(this.#term, false);
  }

  #requestVotes(term: number, pre: boolean): void {
    const lastIndex = this.#lastIndex();
    for (const member of this.#others()) {
      this.#env.send(member, { type: 'vote', shard: this.#env.shard, term, from: this.#env.self, lastIndex, lastTerm: this.#termAt(lastIndex), ...(pre ? { pre } : {}) });
    }
  }

  #becomeLeader(): void {
    this.#role = 'leader';
    this.#leader = this.#env.self;
    this.#next = new Map(this.#members.map((m) => [m, this.#lastIndex() + 1]));
    this.#match = new Map();
    // An entry of its own term lets the new leader commit what earlier leaders left uncommitted.
    this.#appendLocal({ op: 'noop' });
    this.#wal.sync();
    this.#advanceCommit();
    this.#sendAppends();
  }

  #adoptTerm(term: number): void {
    this.#term = term;
    this.#votedFor = null;
    this.#saveMeta();
    this.#stepDown();
  }

  #stepDown(): void {
    if (this.#role === 'leader') {
      this.#failPending('leadership lost before the entry committed');
    }
    this.#role = 'follower';
    this.#leader = null;
    this.#electionAt = this.#env.now() + this.#electionTimeout();
  }

  #saveMeta(): void {
    this.#env.disk.replace(this.#metaFile, JSON.stringify({ term: this.#term, votedFor: this.#votedFor }));
    this.#env.disk.sync();
  }

  #appendLocal(command: EntryCommand): number {
    const entry: Entry = { i: this.#lastIndex() + 1, t: this.#term, c: command };
    this.#log.push(entry);
    this.#wal.append(entry);
    if (command.op === 'config') {
      this.#members = this.#currentMembers();
      for (const member of this.#members) {
        if (!this.#next.has(member)) {
          this.#next.set(member, 1);
        }
      }
    }
    return entry.i;
  }

  #advanceCommit(): void {
    if (this.#role !== 'leader') {
      return;
    }
    for (let index = this.#lastIndex(); index > this.#commit; index--) {
      if (this.#termAt(index) !== this.#term) {
        break; // only entries of the leader's own term are committed by counting
      }
      const holders = new Set(this.#members.filter((m) => m === this.#env.self || (this.#match.get(m) ?? 0) >= index));
      if (this.#hasMajority(holders)) {
        this.#commit = index;
        this.#apply();
        break;
      }
    }
  }

  #apply(): void {
    while (this.#applied < this.#commit) {
      this.#applied++;
      const entry = this.#entryAt(this.#applied);
      const result = entry.c.op === 'noop' || entry.c.op === 'config' ? { value: null } : this.#kv.apply(entry.c);
      const waiting = this.#pending.get(entry.i);
      if (waiting) {
        this.#pending.delete(entry.i);
        if (waiting.term === entry.t) {
          waiting.resolve(result);
        } else {
          waiting.reject(new UnavailableError('another leader overwrote the entry'));
        }
      }
    }
    if (this.#role === 'leader' && !this.#members.includes(this.#env.self) && this.#committedConfigExcludesSelf()) {
      this.#stepDown(); // removed from the group: hand over to the remaining members
    }
    if (this.#applied - this.#snapshotIndex() >= (this.#env.snapshotEvery ?? 100)) {
      this.#compact();
    }
  }

  /** The state as of the last applied entry replaces every entry up to it, on disk and in memory. */
  #compact(): void {
    const index = this.#applied;
    const snapshot = { index, term: this.#termAt(index), members: this.#membersAt(index), state: this.#kv.snapshot() };
    this.#log = this.#log.slice(index - this.#snapshotIndex());
    this.#snapshot = snapshot;
    this.#saveSnapshot();
  }

  /** Writes the snapshot and a log of only the entries after it; the old log is gone once synced. */
  #saveSnapshot(): void {
    this.#env.disk.replace(this.#snapshotFile, JSON.stringify(this.#snapshot));
    this.#env.disk.replace(this.#walFile, this.#log.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    this.#env.disk.sync();
  }

  #committedConfigExcludesSelf(): boolean {
    return !this.#membersAt(this.#commit).includes(this.#env.self);
  }

  #sendAppends(): void {
    for (const member of this.#others()) {
      this.#sendAppend(member);
    }
  }

  #sendAppend(member: string): void {
    const next = this.#next.get(member) ?? this.#lastIndex() + 1;
    const prevIndex = next - 1;
    if (this.#snapshot && prevIndex < this.#snapshot.index) {
      // The entries it needs are compacted away: send the snapshot instead.
      const { index, term, members, state } = this.#snapshot;
      this.#env.send(member, { type: 'snapshot', shard: this.#env.shard, term: this.#term, from: this.#env.self, index, lastTerm: term, members, state });
      return;
    }
    this.#env.send(member, {
      type: 'append',
      shard: this.#env.shard,
      term: this.#term,
      from: this.#env.self,
      prevIndex,
      prevTerm: this.#termAt(prevIndex),
      entries: this.#log.slice(prevIndex - this.#snapshotIndex(), prevIndex - this.#snapshotIndex() + MAX_ENTRIES_PER_APPEND),
      commit: this.#commit,
    });
  }

  #scheduleSend(): void {
    if (!this.#sendScheduled) {
      this.#sendScheduled = true;
      setImmediate(() => {
        this.#sendScheduled = false;
        if (this.#role === 'leader' && !this.#closed) {
          this.#sendAppends();
        }
      });
    }
  }

  #failPending(reason: string): void {
    for (const waiting of this.#pending.values()) {
      waiting.reject(new UnavailableError(reason));
    }
    this.#pending.clear();
  }

  #currentMembers(): readonly string[] {
    return this.#membersAt(this.#lastIndex());
  }

  /** The members as of entry `index`: the last config entry up to it, else the snapshot's, else the initial ones. */
  #membersAt(index: number): readonly string[] {
    for (let i = Math.min(index, this.#lastIndex()); i > this.#snapshotIndex(); i--) {
      const entry = this.#entryAt(i);
      if (entry.c.op === 'config') {
        return entry.c.members;
      }
    }
    return this.#snapshot?.members ?? this.#initialMembers;
  }

  #entryAt(index: number): Entry {
    return this.#log[index - this.#snapshotIndex() - 1] as Entry;
  }

  #snapshotIndex(): number {
    return this.#snapshot?.index ?? 0;
  }

  #others(): string[] {
    return this.#members.filter((m) => m !== this.#env.self);
  }

  #hasMajority(nodes: ReadonlySet<string>): boolean {
    const votes = this.#members.filter((m) => nodes.has(m)).length;
    return votes * 2 > this.#members.length;
  }

  #lastIndex(): number {
    return this.#snapshotIndex() + this.#log.length;
  }

  #termAt(index: number): number {
    if (index === 0) {
      return 0;
    }
    if (this.#snapshot && index <= this.#snapshot.index) {
      return index === this.#snapshot.index ? this.#snapshot.term : -1;
    }
    return this.#log[index - this.#snapshotIndex() - 1]?.t ?? -1;
  }

  #electionTimeout(): number {
    return this.#env.electionMs * (1 + this.#env.random());
  }
}
