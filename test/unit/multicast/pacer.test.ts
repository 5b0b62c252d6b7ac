import { describe, expect, it } from 'vitest';
import { Pacer } from '../../../src/multicast/pacer.js';

/** Bytes a sender gets through `p` in `ms`, polling every `everyMs` and taking all it may of 1500-byte packets. */
function drain(p: Pacer, ms: number, everyMs: number): number {
  let sent = 0;
  for (let t = 0; t <= ms; t += everyMs) while (p.take(t, 1500)) sent += 1500;
  return sent;
}

describe('Pacer (token bucket for --max-bitrate)', () => {
  it('holds the long-run rate when polled every millisecond', () => {
    const bytes = drain(new Pacer(800e6, 0), 1000, 1);
    expect(bytes / 1e8).toBeGreaterThan(0.98); // 800 Mbit/s = 1e8 bytes/s
    expect(bytes / 1e8).toBeLessThan(1.02);
  });

  it('loses no rate when a busy sender polls only every 6 ms (a 2 ms bucket kept a third)', () => {
    const bytes = drain(new Pacer(800e6, 0), 1000, 6);
    expect(bytes / 1e8).toBeGreaterThan(0.97);
    expect(bytes / 1e8).toBeLessThan(1.02);
  });

  it('a burst after idling is bounded by the bucket (8 ms at the rate)', () => {
    const p = new Pacer(800e6, 0);
    drain(p, 100, 1);
    let burst = 0;
    while (p.take(10_000, 1500)) burst += 1500;
    expect(burst).toBeLessThanOrEqual(8 * 1e5 + 1500);
    expect(burst).toBeGreaterThan(7 * 1e5);
  });

  it('no rate never blocks', () => {
    const p = new Pacer(null, 0);
    for (let i = 0; i < 10_000; i++) expect(p.take(0, 1500)).toBe(true);
  });
});
