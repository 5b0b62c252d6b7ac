import { describe, expect, it } from 'vitest';
import { nextJoinWakeup, refusal, startDecision, type JoinState } from '../../../src/multicast/joining.js';

const o = { expected: 3, minReceivers: 2, maxWaitMs: 10_000, startTimeoutMs: 60_000, settleMs: 1000 };
const at = (now: number, joined: number, lastJoinAt = 0): JoinState => ({ now, joined, openedAt: 0, lastJoinAt, nextHello: now + 500 });
const targets = (ip: string) => ip.startsWith('10.0.0.');

describe('joining: admission and the start policy (pure)', () => {
  it('refuses strangers first, then a missing BIG_ENDIAN, a started push and the 1025th client', () => {
    expect(refusal('10.9.9.9', 0, false, true, 5000, targets)).toBe('not a target of this push');
    expect(refusal('10.0.0.2', 0x01, true, true, 0, targets)).toBe('receiver lacks the BIG_ENDIAN capability');
    expect(refusal('10.0.0.2', 0x09, false, true, 0, targets)).toBe('the push has already started');
    expect(refusal('10.0.0.2', 0x09, true, true, 1024, targets)).toBe('too many clients');
    expect(refusal('10.0.0.2', 0x09, true, false, 1024, targets)).toBeNull(); // a dropped receiver rejoining keeps its number
    expect(refusal('10.0.0.2', 0x09, true, true, 1023, targets)).toBeNull();
  });

  it('starts when the whole target joined, but only settleMs after the last join', () => {
    expect(startDecision(at(1500, 3, 1000), o)).toEqual({ kind: 'wait' });
    expect(startDecision(at(2000, 3, 1000), o)).toEqual({ kind: 'start' });
  });

  it('starts with minReceivers after maxWaitMs, fails after startTimeoutMs with fewer', () => {
    expect(startDecision(at(9999, 2), o)).toEqual({ kind: 'wait' });
    expect(startDecision(at(10_000, 2), o)).toEqual({ kind: 'start' });
    expect(startDecision(at(59_999, 1), o)).toEqual({ kind: 'wait' });
    expect(startDecision(at(60_000, 1), o)).toEqual({ kind: 'fail', reason: 'only 1 of the 2 receivers needed joined within 60000 ms' });
  });

  it('never starts with nobody, whatever the options', () => {
    expect(startDecision(at(100_000, 0), { ...o, expected: 0, minReceivers: 0, startTimeoutMs: null })).toEqual({ kind: 'wait' });
  });

  it('wakes at the next HELLO or the next moment the decision can change, never in the past', () => {
    expect(nextJoinWakeup(at(100, 1, 0), o)).toBe(600); // HELLO at now + 500 comes before settle (1000)
    expect(nextJoinWakeup({ ...at(700, 1, 0), nextHello: 2000 }, o)).toBe(1000); // settled
    expect(nextJoinWakeup({ ...at(9000, 1, 0), nextHello: 12_000 }, o)).toBe(10_000); // max wait
    expect(nextJoinWakeup({ ...at(5000, 1, 0), nextHello: 4000 }, o)).toBe(5000); // an overdue HELLO: now
  });
});
