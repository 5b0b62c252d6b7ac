import { describe, expect, it } from 'vitest';
import { CommitPacer } from '../../../src/dhcp/commit-pacer.js';

/** Arrivals every `gapUs` from `startUs`; returns the delays the pacer answered. */
const feed = (p: CommitPacer, startUs: number, gapUs: number, n: number) => Array.from({ length: n }, (_, i) => p.arrival(startUs + i * gapUs));

describe('CommitPacer (adaptive group commit)', () => {
  it('commits at once when requests come one at a time (a rack booting, or 1 outstanding)', () => {
    const p = new CommitPacer({ fixedMs: 0 });
    expect(feed(p, 0, 500, 50).every((d) => d === 'immediate')).toBe(true);
    expect(p.busy).toBe(false);
  });

  it('groups commits over holdMs once requests come faster than one per busyGapUs', () => {
    const p = new CommitPacer({ fixedMs: 0, busyGapUs: 250, holdMs: 1 });
    const d = feed(p, 0, 100, 20);
    expect(d[0]).toBe('immediate'); // no history yet
    expect(d.slice(2)).toEqual(Array(18).fill(1));
    expect(p.busy).toBe(true);
  });

  it('an idle pause ends grouping at once; a short burst among slow requests does not start it', () => {
    const p = new CommitPacer({ fixedMs: 0, busyGapUs: 250, holdMs: 1 });
    feed(p, 0, 100, 20);
    expect(p.arrival(1_900 + 10_000)).toBe('immediate');
    const q = new CommitPacer({ fixedMs: 0, busyGapUs: 250, holdMs: 1 });
    feed(q, 0, 1000, 10);
    expect(q.arrival(9_000 + 50)).toBe('immediate'); // one quick one: the mean is still ~880 µs
  });

  it('stops holding when held commits carry one row (1 outstanding, fast exchanges), and starts again when commits carry several', () => {
    const p = new CommitPacer({ fixedMs: 0, busyGapUs: 250, holdMs: 1 });
    let t = 0;
    const next = (gapUs: number) => p.arrival((t += gapUs));
    next(150);
    expect(next(150)).toBe(1); // fast, and no evidence yet that grouping does not pay
    for (let i = 0; i < 6; i++) {
      p.committed(1); // the hold caught nobody else
      next(150);
    }
    expect(next(150)).toBe('immediate');
    expect(p.busy).toBe(false);
    for (let i = 0; i < 4; i++) p.committed(5); // several rows per commit: real concurrency
    expect(next(100)).toBe(1);
  });

  it('a configured flushMilliseconds always waits that long', () => {
    const p = new CommitPacer({ fixedMs: 5 });
    expect(feed(p, 0, 1000, 3)).toEqual([5, 5, 5]);
  });
});
