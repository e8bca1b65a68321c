// Milestone 7: snapshots. In the simulator (harness/sim.ts): first a scripted schedule
// (harness/scripted.ts: every node restarts from its snapshot, then a late copy of an applied
// request arrives), then seeded schedules of one shard taking thousands of writes with a snapshot
// every 40 entries, while a follower down for most of the run comes back far behind the leader's
// snapshot, a new member joins with nothing, a follower restarts (it must start from its snapshot,
// not replay from index 1) and leaders crash. Every history must stay linearizable (a snapshot that
// forgot the client table applies a retry twice), every replica must catch up, and no node may keep
// more than 64 KiB on disk.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { proofStopsHere, simulate, simulateScripts } from '../harness/schedules.ts';

const SCHEDULES = 5;
let simulationFailed = false;

test('a scripted schedule: every node restarts from its snapshot, then a late copy of a request applied before it arrives and must not apply again', { timeout: 60_000 }, async () => {
  const batch = await simulateScripts('m7 scripted', ['late-copy-after-snapshot']);
  simulationFailed = batch.failure !== undefined;
  assert.ok(!simulationFailed, batch.failure);
});

test(`${SCHEDULES} simulated schedules: logs compacted into snapshots, far-behind and new replicas catching up from one, restarts starting from one`, { timeout: 120_000 }, async (t) => {
  if (proofStopsHere(t, simulationFailed)) {
    return;
  }
  const batch = await simulate('m7 simulation', 'snapshots', SCHEDULES);
  assert.ok(batch.failure === undefined, batch.failure);
});
