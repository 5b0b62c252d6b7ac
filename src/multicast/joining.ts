import { CAP, MAX_CLIENTS } from '../wire/udpcast/index.js';
import type { SenderOptions } from './sender-types.js';

/** What the sender knows while receivers join (clock readings in ms). */
export interface JoinState {
  now: number;
  /** Receivers joined and not dropped. */
  joined: number;
  openedAt: number;
  lastJoinAt: number;
  nextHello: number;
}

type StartOptions = Pick<SenderOptions, 'expected' | 'minReceivers' | 'maxWaitMs' | 'startTimeoutMs' | 'settleMs'>;

/**
 * Why a CONNECT_REQ is refused (the receiver gets client number −1), or null to admit it.
 * `isNew`: no receiver from this address yet (a dropped one's number is reused). Pure.
 */
export function refusal(ip: string, caps: number, waiting: boolean, isNew: boolean, clients: number, admit: (ip: string) => boolean): string | null {
  if (!admit(ip)) return 'not a target of this push';
  if ((caps & CAP.BIG_ENDIAN) === 0) return 'receiver lacks the BIG_ENDIAN capability';
  if (!waiting) return 'the push has already started';
  if (isNew && clients >= MAX_CLIENTS) return 'too many clients';
  return null;
}

/**
 * The start policy: start once the whole target joined, or once `minReceivers` joined and
 * `maxWaitMs` passed, in both cases `settleMs` after the last join; fail after
 * `startTimeoutMs` with too few. Pure.
 */
export function startDecision(s: JoinState, o: StartOptions): { kind: 'start' } | { kind: 'fail'; reason: string } | { kind: 'wait' } {
  const waited = s.now - s.openedAt;
  const settled = s.now - s.lastJoinAt >= o.settleMs;
  const needed = Math.max(1, o.minReceivers);
  if (settled && o.expected !== null && s.joined >= o.expected && s.joined > 0) return { kind: 'start' };
  if (settled && o.maxWaitMs !== null && waited >= o.maxWaitMs && s.joined >= needed) return { kind: 'start' };
  if (o.startTimeoutMs !== null && waited >= o.startTimeoutMs) {
    return { kind: 'fail', reason: `only ${s.joined} of the ${needed} receivers needed joined within ${o.startTimeoutMs} ms` };
  }
  return { kind: 'wait' };
}

/** The next time startDecision can change its answer, or a HELLO is due. Pure. */
export function nextJoinWakeup(s: JoinState, o: StartOptions): number {
  const t = [s.nextHello, s.lastJoinAt + o.settleMs];
  if (o.maxWaitMs !== null) t.push(s.openedAt + o.maxWaitMs);
  if (o.startTimeoutMs !== null) t.push(s.openedAt + o.startTimeoutMs);
  return Math.max(s.now, Math.min(...t.filter((x) => x > s.now || x === s.nextHello)));
}
