import { describe, expect, it } from 'vitest';
import { BusyPoll } from '../../../src/tftp/busy-poll.js';

/** A BusyPoll on a fake clock whose deferred turns run when the test says, each advancing 5 µs. */
function rig(windowUs = 300, maxActive = 2) {
  let t = 0;
  const queue: Array<() => void> = [];
  const bp = new BusyPoll(windowUs, maxActive, () => t, (f) => void queue.push(f));
  bp.active = 1;
  /** Run deferred turns (5 µs each) until `us` has passed or nothing is queued. */
  const run = (us: number): void => {
    const end = t + us / 1000;
    while (queue.length && t < end) {
      t += 0.005;
      queue.shift()!();
    }
    if (t < end) t = end;
  };
  return { bp, run, spinning: () => queue.length > 0 };
}

describe('BusyPoll', () => {
  it('spins after a send until the answer comes, and keeps spinning for a fast client', () => {
    const r = rig();
    for (let i = 0; i < 20; i++) {
      r.bp.sent();
      expect(r.spinning()).toBe(true);
      r.run(40); // the ACK comes after 40 µs
      r.bp.received();
    }
    expect(r.bp.turns).toBeGreaterThan(20 * 7);
  });

  it('stops after the window when nothing comes, and stops spinning altogether for a slow client', () => {
    const r = rig(300);
    r.bp.sent();
    r.run(1000);
    expect(r.spinning()).toBe(false); // the window ended
    for (let i = 0; i < 20; i++) {
      r.bp.sent();
      r.run(2000); // a client that answers after 2 ms (an emulated NIC)
      r.bp.received();
    }
    const before = r.bp.turns;
    r.bp.sent();
    expect(r.spinning()).toBe(false); // learned: spinning does not pay
    r.run(2000);
    expect(r.bp.turns).toBe(before);
  });

  it('does not spin when the thread runs more than maxActive transfers, or when the window is 0', () => {
    const busy = rig(300, 2);
    busy.bp.active = 3;
    busy.bp.sent();
    expect(busy.spinning()).toBe(false);
    const off = rig(0);
    off.bp.sent();
    expect(off.spinning()).toBe(false);
  });
});
