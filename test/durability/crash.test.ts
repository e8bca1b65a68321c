// Crash safety: a child process toggling progress is killed with SIGKILL at random moments, 200
// times in all, in four lanes of 50 kills, each lane over a folder of its own (a lane's kills
// follow one another on its folder, so the damage of one crash meets the next open); after each
// kill the store must open, and every item must hold its last acknowledged state, except the one
// toggle in flight, which may or may not have landed. The lanes run side by side because a kill
// mostly waits (a Node process starting, fsync): 200 kills one after another took 110 s.
// globalState is a FileMemento that, like VS Code's, reaches the disk only after a delay, so the
// journals alone carry what was acknowledged (an unawaited journal append fails this test).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ProgressStore } from '../../src/core/progress/store';
import { JournalFiles } from '../../src/progress/journalFiles';
import { FileMemento } from '../fakes/fileMemento';

const KILLS = Number(process.env.DS_ROADMAP_CRASH_KILLS ?? 200);
const LANES = 4;
const ITEMS = 12;

interface Run {
  readonly acked: Map<string, boolean>;
  readonly inFlight?: { id: string; done: boolean };
}

function runUntilKilled(script: string, folder: string, memento: string, seed: number, delayMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, folder, memento, String(seed), String(ITEMS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (!out.includes('ready\n') && (out + chunk.toString()).includes('ready\n')) {
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') {
        reject(new Error(`the writer exited by itself (${String(signal)}): ${err}`));
        return;
      }
      const acked = new Map<string, boolean>();
      let inFlight: Run['inFlight'];
      for (const line of out.split('\n')) {
        const [word, id, done] = line.split(' ');
        if (word === 'begin') {
          inFlight = { id, done: done === 'true' };
        } else if (word === 'ack') {
          acked.set(id, done === 'true');
          inFlight = undefined;
        }
      }
      resolve({ acked, inFlight });
    });
  });
}

describe('progress store crash safety', function () {
  this.timeout(600_000);
  let dir: string;
  let script: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ds-roadmap-crash-'));
    script = join(dir, 'writer.js');
    await build({ entryPoints: [join(__dirname, 'writer.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: script, logLevel: 'silent' });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  /** One lane: KILLS / LANES kills over its own folder; what it counted. */
  async function lane(index: number, kills: number): Promise<{ toggles: number; inFlightLanded: number }> {
    const folder = join(dir, `journals-${index}`);
    const memento = join(dir, `global-state-${index}.json`);
    const known = new Map<string, boolean>();
    let toggles = 0;
    let inFlightLanded = 0;
    for (let round = 0; round < kills; round++) {
      const kill = round * LANES + index; // seeds and delays as when the kills ran one after another
      const run = await runUntilKilled(script, folder, memento, kill + 1, (kill * 7919) % 80);
      toggles += run.acked.size;
      for (const [id, done] of run.acked) {
        known.set(id, done);
      }
      const globalState = new FileMemento(memento);
      const { store, problems } = await ProgressStore.open(globalState, {
        key: 'progress',
        setAsidePrefix: 'aside.',
        knownIds: new Set(Array.from({ length: ITEMS }, (_, i) => `item-${i}`)),
        journal: new JournalFiles(folder),
        node: `check${kill}`,
      });
      assert.deepEqual(problems, [], `lane ${index}, kill ${kill}: the store reported damage`);
      for (const [id, done] of known) {
        if (run.inFlight?.id === id && store.isDone(id) === run.inFlight.done) {
          continue;
        }
        assert.equal(store.isDone(id), done, `lane ${index}, kill ${kill}: ${id} lost its acknowledged state`);
      }
      if (run.inFlight && store.isDone(run.inFlight.id) === run.inFlight.done) {
        // The toggle in flight landed: it is now the known state.
        known.set(run.inFlight.id, run.inFlight.done);
        inFlightLanded++;
      }
      store.dispose();
      globalState.flushNow();
    }
    return { toggles, inFlightLanded };
  }

  it(`opens after every one of ${KILLS} SIGKILLs, losing at most the toggle in flight`, async () => {
    const lanes = await Promise.all(Array.from({ length: LANES }, (_, index) => lane(index, Math.ceil((KILLS - index) / LANES))));
    const toggles = lanes.reduce((sum, each) => sum + each.toggles, 0);
    const inFlightLanded = lanes.reduce((sum, each) => sum + each.inFlightLanded, 0);
    assert.ok(toggles > 0, 'no toggle was acknowledged before a kill: the test checked nothing');
    console.log(`      ${KILLS} kills in ${LANES} lanes, ${toggles} acknowledged toggles kept, in-flight toggle landed ${inFlightLanded} times`);
  });
});
