import { describe, expect, it } from 'vitest';
import { RtoEstimator } from '../../../src/net/rto.js';

describe('RtoEstimator (RFC 6298)', () => {
  it('starts at the initial value and follows samples: SRTT + 4·RTTVAR', () => {
    const r = new RtoEstimator(1, 1000, 5000);
    expect(r.current).toBe(1000);
    r.sample(100); // SRTT 100, RTTVAR 50
    expect(r.current).toBe(300);
    r.sample(100); // RTTVAR 37.5
    expect(r.current).toBe(250);
  });

  it('stays within bounds and doubles on backoff', () => {
    const r = new RtoEstimator(50, 1000, 4000);
    r.sample(0.1);
    expect(r.current).toBe(50);
    r.backoff();
    expect(r.current).toBe(100);
    for (let i = 0; i < 10; i++) r.backoff();
    expect(r.current).toBe(4000);
    r.sample(60_000);
    expect(r.current).toBe(4000);
  });
});
