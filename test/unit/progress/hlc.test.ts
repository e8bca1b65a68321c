import * as assert from 'node:assert/strict';
import { formatStamp, HybridClock, isStamp, MAX_CLOCK_AHEAD_MS, parseStamp, withinClockBound } from '../../../src/core/progress/hlc';

describe('HybridClock', () => {
  it('stamps with the wall time, and counts within one millisecond', () => {
    let now = 1_000;
    const clock = new HybridClock('wa', () => now);
    assert.equal(clock.tick(), '0000000001000-000000-wa');
    assert.equal(clock.tick(), '0000000001000-000001-wa');
    now = 1_005;
    assert.equal(clock.tick(), '0000000001005-000000-wa');
  });

  it('never goes back when the wall clock does', () => {
    let now = 5_000;
    const clock = new HybridClock('wa', () => now);
    const first = clock.tick();
    now = 4_000;
    const second = clock.tick();
    assert.ok(second > first, `${second} > ${first}`);
  });

  it('orders its next stamp after one it observed from a clock ahead of it', () => {
    const behind = new HybridClock('wa', () => 1_000);
    const remote = formatStamp({ wall: 9_000, counter: 3, node: 'wb' });
    behind.observe(remote);
    const next = behind.tick();
    assert.ok(next > remote, `${next} > ${remote}`);
    assert.equal(parseStamp(next)?.node, 'wa');
  });

  it('ignores what is not a stamp', () => {
    const clock = new HybridClock('wa', () => 1_000);
    clock.observe('not a stamp');
    assert.equal(clock.tick(), '0000000001000-000000-wa');
  });

  it('keeps stamps ordered as strings past the counter width', () => {
    const clock = new HybridClock('wa', () => 1_000);
    clock.observe(formatStamp({ wall: 1_000, counter: 999_999, node: 'wb' }));
    const next = clock.tick();
    assert.ok(isStamp(next), next);
    assert.ok(next > '0000000001000-999999-wb', next);
  });

  it('refuses a node id that would break the stamp format', () => {
    for (const node of ['', 'a-b', 'x'.repeat(41), 'sp ace']) {
      assert.throws(() => new HybridClock(node), /node id must be 1 to 40 letters/, node);
    }
  });

  it('compares stamps as their parts: wall, then counter, then node', () => {
    const a = formatStamp({ wall: 2, counter: 0, node: 'a' });
    const b = formatStamp({ wall: 1, counter: 9, node: 'z' });
    const c = formatStamp({ wall: 2, counter: 0, node: 'b' });
    assert.deepEqual([a, b, c].sort(), [b, a, c]);
    assert.deepEqual(parseStamp(c), { wall: 2, counter: 0, node: 'b' });
  });

  it('bounds a stamp from elsewhere at a day ahead of the local clock, the day itself included', () => {
    const now = 1_700_000_000_000;
    const at = (wall: number) => formatStamp({ wall, counter: 999_999, node: 'wb' });
    assert.ok(withinClockBound(at(now - 5_000), now), 'behind the clock');
    assert.ok(withinClockBound(at(now + MAX_CLOCK_AHEAD_MS), now), 'exactly a day ahead');
    assert.ok(!withinClockBound(at(now + MAX_CLOCK_AHEAD_MS + 1), now), 'a day and a millisecond ahead');
    assert.ok(!withinClockBound('not a stamp', now), 'what is not a stamp');
  });
});
