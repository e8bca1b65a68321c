// Scripted schedules (harness/schedules.ts runs them like the seeded ones): each drives one group
// of replicas, step by step, into the exact state a known mistake needs in order to show: a
// message the network holds back and delivers again late, a link cut one way only, a leader
// crashed at a chosen instant, Figure 8 of the Raft paper. Random schedules reach these states on
// some seeds only; a script reaches them on every seed (the seed still sets election timeouts and
// message delays). Each ends by letting the group run on; the verdict then checks, as after every
// schedule, that no acknowledged write was lost and that every member, leading, serves the same state.
import type { ShardStatus } from '../src/protocol.ts';
import { Violation, type Simulation } from './sim.ts';

type Say = (text: string) => void;

/** The group once ready: its leader, having committed one write on every member, then the others. */
interface Group {
  readonly leader: string;
  readonly others: readonly string[];
  readonly status: ShardStatus;
}

type Tools = ReturnType<typeof scripting>;

interface Script {
  /** Nodes of the one group (all members). */
  readonly nodes: number;
  /** Keys the verdict reads: key-0, key-1, … */
  readonly keys: number;
  /** Milestone 7's scripts take snapshots this often. */
  readonly snapshotEvery?: number;
  readonly run: (tools: Tools, group: Group, say: Say) => Promise<void>;
}

/** What every script needs: waiting on the virtual clock, cutting links, reading a member's status. */
function scripting(sim: Simulation, shard: number) {
  const status = (id: string): ShardStatus | undefined => (sim.isUp(id) ? sim.statuses(shard).get(id) : undefined);
  const within = async (ms: number, done: () => boolean, pollMs = 5): Promise<boolean> => {
    const deadline = sim.now + ms;
    while (!done() && sim.now < deadline && !sim.failure) {
      await sim.sleep(pollMs);
    }
    return done();
  };
  const settled = (): boolean => {
    const leader = sim.leaderOf(shard);
    return leader !== undefined && leader.status.commit === leader.status.lastIndex && leader.status.members.every((m) => status(m)?.commit === leader.status.commit);
  };
  return {
    sim,
    shard,
    status,
    within,
    /** Only these links are cut (both ways); clients still reach every node. */
    cutOnly(pairs: readonly (readonly [string, string])[]): void {
      sim.healAll();
      pairs.forEach(([a, b]) => sim.cut(a, b));
    },
    /** Once a leader has committed one write on every member: the leader, then the other members. */
    async ready(say: Say): Promise<Group | undefined> {
      if (!(await within(3000, () => sim.leaderOf(shard) !== undefined))) {
        return undefined;
      }
      await sim.putOnce((sim.leaderOf(shard) as { node: string }).node, 'script', 'key-0', 'first write');
      if (!(await within(3000, settled))) {
        say('no leader with every member caught up within 3 s: the script stops here');
        return undefined;
      }
      const leader = sim.leaderOf(shard) as { node: string; status: ShardStatus };
      return { leader: leader.node, others: leader.status.members.filter((m) => m !== leader.node), status: leader.status };
    },
  };
}

/**
 * Figure 8 of the Raft paper (§5.4.2), "a time sequence showing why a leader cannot determine
 * commitment using log entries from older terms", with S1 the group's first leader and S2..S5 its
 * other members; cuts decide who can win each election, as the paper's votes do. The terms are
 * the paper's less one (here S1 first leads term 1, in the paper term 2).
 * (a) S1 leads and replicates an entry at its next index to S2 only.
 * (b) S1 crashes; S5 wins the next term with the votes of S3, S4 and its own, and takes a
 *     different entry at that index; nobody else gets it.
 * (c) S5 crashes; S1 restarts, wins a newer term (S2 and S3 vote) and goes on replicating: its
 *     entry of (a) reaches S3, a majority, "but it is not committed"; S1 takes one more entry alone.
 * (d) S1 crashes; S5 can win again (S2, S3 and S4 vote) and overwrite the entry of (a).
 * Correct Raft never commits an earlier term's entry by counting replicas, so S1 cannot count
 * (a)'s entry as committed in (c); with a no-op at election its own entry commits first, carrying
 * (a)'s along, and then S5 cannot win in (d). A leader that counts (a)'s entry as committed in (c)
 * and sees S5 win in (d) has lost a committed entry: the script fails the run there.
 */
async function figure8({ sim, shard, status, within, cutOnly }: Tools, group: Group, say: Say): Promise<void> {
  if (group.others.length !== 4) {
    return;
  }
  const s1 = group.leader;
  const [s2, s3, s4, s5] = group.others as [string, string, string, string];
  say(`Figure 8 with S1..S5 = ${[s1, s2, s3, s4, s5].join(', ')}; S1 leads term ${group.status.term}, every log ends at index ${group.status.lastIndex}, committed`);

  // (a) S1 replicates an entry at the next index to S2 only.
  cutOnly([s3, s4, s5].map((other) => [s1, other] as const));
  const index = group.status.lastIndex + 1;
  void sim.putOnce(s1, 'fig8-a', 'key-0', 'S1 in (a)');
  await within(300, () => (status(s2)?.lastIndex ?? 0) >= index);
  say(`(a) ${s1} (S1), cut off from all but ${s2}, took a write at index ${index}: last index ${status(s1)?.lastIndex} on S1, ${status(s2)?.lastIndex} on S2`);

  // (b) S1 crashes; only S5 can win (S2 is cut off, S3 and S4 cannot reach each other), and it
  // takes an entry that nobody else gets: cut off the moment it leads, before its first append lands.
  sim.crash(s1);
  cutOnly([...[s3, s4, s5].map((other) => [s2, other] as const), [s3, s4]]);
  say(`(b) crash ${s1} (S1); S2 cut off, S3 and S4 cut apart: only ${s5} (S5) can win, with the votes of S3 and S4`);
  if (!(await within(3000, () => sim.leaderOf(shard)?.node === s5, 0.25))) {
    return;
  }
  cutOnly([s2, s3, s4].map((other) => [s5, other] as const));
  const termOfS5 = status(s5)?.term;
  void sim.putOnce(s5, 'fig8-b', 'key-0', 'S5 in (b)');
  await sim.sleep(50);
  say(`(b) ${s5} (S5) leads term ${termOfS5}, cut off at once, and took a write: its last index is ${status(s5)?.lastIndex}; crash it`);
  sim.crash(s5);

  // (c) S1 restarts and only it can win (S2 reaches S1 alone, S4 reaches S3 alone); it replicates
  // what it has to S2 and S3, a majority with itself.
  cutOnly([
    [s2, s3],
    [s2, s4],
    [s1, s4],
  ]);
  sim.start(s1);
  if (!(await within(3000, () => sim.leaderOf(shard)?.node === s1))) {
    return;
  }
  await within(500, () => (status(s3)?.lastIndex ?? 0) >= index && (status(s1)?.commit ?? 0) >= index);
  await sim.sleep(100);
  say(
    `(c) ${s1} (S1) leads term ${status(s1)?.term}; index ${index} is on S1, S2 and S3 (last index ${status(s3)?.lastIndex} on S3); ` +
      `commit index ${status(s1)?.commit} on S1, ${status(s2)?.commit} on S2, ${status(s3)?.commit} on S3`,
  );
  const committedInC = status(s1)?.commit ?? 0;
  cutOnly([s2, s3, s4, s5].map((other) => [s1, other] as const));
  void sim.putOnce(s1, 'fig8-c', 'key-0', 'S1 in (c)');
  await sim.sleep(50);

  // (d) S1 crashes; S5 restarts and can win with the votes of S2, S3 and S4 (S2 and S3 cannot
  // reach each other, so neither of them can).
  sim.crash(s1);
  cutOnly([[s2, s3]]);
  sim.start(s5);
  say(`(d) crash ${s1} (S1), restart ${s5} (S5); S2 and S3 cut apart`);
  await within(3000, () => sim.leaderOf(shard) !== undefined, 0.25);
  const leader = sim.leaderOf(shard);
  say(`(d) ${leader?.node ?? 'nobody'} leads term ${leader?.status.term ?? '?'}`);
  if (leader?.node === s5 && committedInC >= index) {
    // S5 never had S1's entry at that index (it was cut off from S1 since (a)): it leads without
    // an entry S1 counted as committed and applied, and will replace it with its own.
    sim.fail(
      new Violation(
        `Figure 8 (Raft §5.4.2): in (c) ${s1} (S1) counted index ${index} as committed (commit index ${committedInC}) because the entry it wrote there in (a), ` +
          `in an earlier term, was on a majority (S1, S2, S3); in (d) ${s5} (S5), which never had that entry, won term ${leader.status.term} with the votes of S2, S3 and S4, ` +
          `and will overwrite it with its own. A leader may commit by counting replicas only an entry of its own term; the entries before it commit with it.`,
      ),
    );
    return;
  }
  sim.healAll();
}

/**
 * A late copy of an append: the leader's append of a write reaches a follower, and a copy the
 * network held back arrives again after two more writes committed with that follower's help (the
 * third member is cut off). At that instant the leader crashes: the follower and the third member
 * elect a leader, and what the follower acknowledged must still be in its log.
 */
async function lateAppend({ sim, status, within, cutOnly }: Tools, group: Group, say: Say): Promise<void> {
  const [leader, follower, other] = [group.leader, ...group.others] as [string, string, string];
  cutOnly([[leader, other]]);
  let copyArrived = false;
  sim.duplicateLater(leader, follower, (m) => m.type === 'append' && m.entries.length > 0, 150, () => {
    copyArrived = true;
    sim.crash(leader);
  });
  say(`${other} cut off from the leader ${leader}; the next append with entries from ${leader} to ${follower} will arrive a second time, 150 ms later`);
  for (const [i, key] of ['key-0', 'key-1', 'key-2'].entries()) {
    await sim.putOnce(leader, 'late-append', key, `write ${i + 1}`);
  }
  const held = status(follower)?.lastIndex ?? 0;
  say(`three writes through ${leader}: last index ${status(leader)?.lastIndex} on ${leader}, ${held} on ${follower}`);
  await within(300, () => copyArrived);
  const after = status(follower)?.lastIndex ?? 0;
  say(`the late copy of the first append reached ${follower} (last index now ${after}); ${leader} crashed at that instant; heal ${other}`);
  if (copyArrived && after < held) {
    // The copy's entries are the ones the follower has (same index, same term): nothing conflicts.
    sim.fail(
      new Violation(
        `a late copy of an append made ${follower} drop the entries after it (last index ${held}, then ${after}), entries it had acknowledged and ${leader} had committed with its help: ` +
          `with ${leader} down, they are lost. A follower removes entries only where the leader's entry at the same index has another term (§5.3); an old append's entries are already there.`,
      ),
    );
    return;
  }
  cutOnly([]);
  await sim.sleep(1500);
  sim.start(leader);
}

/**
 * A follower's answer counts for what it says it holds: it has just taken an entry and answered;
 * the leader takes one more write before the answer arrives, and from then on nothing the leader
 * sends reaches that follower (a link cut one way). The leader may acknowledge that write only once
 * a majority holds it; then it crashes, and the others elect a leader.
 */
async function answerCountsWhatItSays({ sim, status, within, cutOnly }: Tools, group: Group, say: Say): Promise<void> {
  const [leader, follower, other] = [group.leader, ...group.others] as [string, string, string];
  // Slower links: the follower's answer takes 2 to 4 ms, a client's request at most 1.
  sim.setFaults({ drop: 0, duplicate: 0, delayMs: [2, 4], reorder: false });
  cutOnly([[leader, other]]);
  const index = group.status.lastIndex + 1;
  void sim.putOnce(leader, 'answer', 'key-0', 'write 1');
  await within(100, () => (status(follower)?.lastIndex ?? 0) >= index, 0.1);
  sim.cutLink(leader, follower);
  say(`${follower} took index ${index} and answered; ${other} is cut off, and from now on nothing ${leader} sends reaches ${follower}`);
  const second = await sim.putOnce(leader, 'answer', 'key-1', 'write 2');
  say(`${leader} ${second.ok ? 'acknowledged' : 'did not acknowledge'} write 2 (index ${index + 1}), which only it holds; crash it, heal the others`);
  sim.crash(leader);
  cutOnly([]);
  await sim.sleep(1500);
  sim.start(leader);
}

/**
 * A deposed leader, cut off, takes a write nobody else gets; the others elect a new leader, which
 * replaces that entry once the cut heals. Then the deposed leader restarts (its log must come back
 * without the replaced entry) and, holding the longest log, leads: the replaced write must stay gone.
 */
async function replacedThenRestart({ sim, shard, status, within, cutOnly }: Tools, group: Group, say: Say): Promise<void> {
  const old = group.leader;
  cutOnly(group.others.map((other) => [old, other] as const));
  void sim.putOnce(old, 'deposed', 'key-1', 'taken by the deposed leader');
  await sim.sleep(20);
  const replaced = status(old)?.lastIndex;
  say(`${old}, the leader, cut off from the others, took a write at index ${replaced} that nobody else has`);
  if (!(await within(3000, () => (sim.leaderOf(shard)?.node ?? old) !== old))) {
    return;
  }
  const next = (sim.leaderOf(shard) as { node: string }).node;
  const third = group.others.find((m) => m !== next) as string;
  await sim.putOnce(next, 'deposed', 'key-0', 'written through the new leader');
  cutOnly([]);
  const caughtUp = () => status(old)?.lastIndex === status(next)?.lastIndex && status(old)?.commit === status(next)?.commit;
  await within(2000, caughtUp);
  say(`${next} leads; healed, ${old} replaced its entry at index ${replaced} with ${next}'s (last index ${status(old)?.lastIndex})`);
  // One more write that the third member misses, so that the restarted node holds the longest log.
  cutOnly([
    [third, next],
    [third, old],
  ]);
  await sim.putOnce(next, 'deposed', 'key-2', 'written after the heal');
  await within(500, caughtUp);
  sim.crash(old);
  sim.start(old);
  sim.crash(next);
  cutOnly([]);
  say(`restart ${old} (its log must come back without the replaced entry), crash the leader ${next}: ${old} and ${third} elect`);
  await within(3000, () => sim.leaderOf(shard) !== undefined);
  await sim.sleep(200);
  sim.start(next);
}

/**
 * Milestone 7: a client's write, acknowledged, then overwritten by another client; many more
 * writes, so every member's snapshot covers both; every node restarts from its snapshot, and then a
 * copy of the first write the network held back arrives at the leader. Only the client table in
 * the snapshot tells the leader it was applied already.
 */
async function lateCopyAfterSnapshot({ sim, shard, within }: Tools, group: Group, say: Say): Promise<void> {
  const first = await sim.putOnce(group.leader, 'late-copy', 'key-0', 'first');
  await sim.sleep(1); // the second write begins after the first ended, not at the same instant
  await sim.putOnce(group.leader, 'late-copy', 'key-0', 'second');
  for (let i = 0; i < 100; i++) {
    await sim.putOnce(sim.leaderOf(shard)?.node ?? group.leader, 'late-copy', `key-${1 + (i % 3)}`, `filler ${i}`);
  }
  const members = [group.leader, ...group.others];
  say(`key-0 written "first" (client ${first.command.client ?? '?'}, seq 1) then "second", then 100 more writes: each member has taken snapshots since`);
  members.forEach((id) => sim.crash(id));
  members.forEach((id) => sim.start(id));
  if (!(await within(3000, () => sim.leaderOf(shard) !== undefined))) {
    return;
  }
  const leader = (sim.leaderOf(shard) as { node: string }).node;
  say(`every node restarted from its snapshot; a copy of the write of "first", held back by the network, reaches the leader ${leader}`);
  sim.deliverClientCopy(leader, first.command, 0);
  await sim.sleep(300);
}

export type ScriptName = 'figure-8' | 'late-append' | 'answer-counts-what-it-says' | 'replaced-then-restart' | 'late-copy-after-snapshot';

export const SCRIPTS: Readonly<Record<ScriptName, Script>> = {
  'figure-8': { nodes: 5, keys: 1, run: figure8 },
  'late-append': { nodes: 3, keys: 3, run: lateAppend },
  'answer-counts-what-it-says': { nodes: 3, keys: 2, run: answerCountsWhatItSays },
  'replaced-then-restart': { nodes: 3, keys: 3, run: replacedThenRestart },
  'late-copy-after-snapshot': { nodes: 3, keys: 4, snapshotEvery: 40, run: lateCopyAfterSnapshot },
};

/** Runs a script on one shard of the simulation, once its group is ready. */
export async function runScript(sim: Simulation, name: ScriptName, shard: number, say: Say): Promise<void> {
  const tools = scripting(sim, shard);
  const group = await tools.ready(say);
  if (group) {
    await SCRIPTS[name].run(tools, group, say);
  }
}
