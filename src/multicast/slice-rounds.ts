import type { ReceiverMessage } from '../wire/udpcast/index.js';
import type { Slice } from './slice.js';
import { RtoEstimator } from '../net/rto.js';
import type { ReceiverProgress, SenderAction, SenderOptions } from './sender-types.js';

/** udp-sender's --retries-until-drop default: a receiver that answers but never completes a slice. */
const MAX_ROUNDS = 200;
/**
 * The round number of the full-duplex probe: a REQACK sent with a slice's first DATA, whose
 * answers only say the receiver holds the slice (their maps are not repair requests).
 */
export const PROBE_ROUND = 0xffffffff;

/** An OK or RETRANSMIT: a receiver's answer to a REQACK. */
export type Answer = Extract<ReceiverMessage, { op: 'ok' | 'retransmit' }>;

/** What the rounds ask of the session: its live receivers, recording an OK, dropping one. */
export interface RoundReceivers {
  /** Receivers joined and not dropped. */
  live(): ReceiverProgress[];
  /** `r` OKed `slice`. */
  ready(slice: Slice, r: ReceiverProgress, out: SenderAction[]): void;
  drop(r: ReceiverProgress, reason: string, out: SenderAction[]): void;
  /** `r` did not answer a round that timed out (and is not dropped for it). */
  silent(r: ReceiverProgress, out: SenderAction[]): void;
}

/**
 * The REQACK rounds of the slices in flight: answers, the end of a round (every live
 * receiver not yet OK answered), its timeout and the receivers dropped on it. `inFlight` is
 * the window's own list, read here, changed only by the window.
 */
export class SliceRounds {
  /**
   * How long a REQACK round waits for its answers, learned per round (REQACK to its last
   * answer: the slowest receiver sets it) as TCP learns its RTO; 10 ms, then 2–500 ms.
   */
  private readonly rto = new RtoEstimator(2, 10, 500);

  constructor(
    private readonly opts: Pick<SenderOptions, 'dropAfterMs'>,
    private readonly receivers: RoundReceivers,
    private readonly inFlight: readonly Slice[],
  ) {}

  /** An OK or RETRANSMIT from receiver `r` (undefined: not one of ours). */
  answer(msg: Answer, r: ReceiverProgress | undefined, now: number, out: SenderAction[]): void {
    const slice = this.inFlight.find((s) => s.index === msg.slice);
    if (!r || r.state !== 'joined' || !slice || slice.ready.has(r.client)) return;
    slice.seen.add(r.client);
    if (msg.op === 'retransmit' && msg.round === PROBE_ROUND) return this.reaskEarlier(slice, r, slice.asked.get(PROBE_ROUND));
    // OK carries no round: it answers the current round, or the last one if the next is not
    // asked yet. A RETRANSMIT for an earlier round is late, not wrong: its map still says
    // what was missing. Dropping it livelocks a receiver that always answers slower than the
    // timeout (the stock sender never compares rounds at all).
    const round = msg.op === 'retransmit' ? msg.round : slice.sentAt.has(slice.round) ? slice.round : slice.round - 1;
    const sent = slice.sentAt.get(round);
    if (sent === undefined) return; // a round never asked
    if (msg.op === 'ok') {
      slice.answered.add(r.client);
      this.receivers.ready(slice, r, out);
    } else {
      slice.noteMissing(msg.received);
      if (round === slice.round && slice.reqackAt !== null) slice.answered.add(r.client);
    }
    this.checkRound(slice, now);
    // After a timeout an OK may answer an older REQACK than the one assumed above.
    if (msg.op === 'retransmit' || !slice.timedOut) this.reaskEarlier(slice, r, slice.asked.get(round));
  }

  /**
   * A receiver answers REQACKs in the order they reach it. Its answer to a REQACK sent after
   * another slice's current one, which it has not answered, means that REQACK or the answer
   * was lost: that slice is asked again now, not at its timeout (as TCP's fast retransmit
   * does on duplicate ACKs). Only full duplex has two slices' REQACKs out at once.
   */
  private reaskEarlier(answered: Slice, r: ReceiverProgress, asked: number | undefined): void {
    if (asked === undefined) return;
    for (const s of this.inFlight) {
      if (s === answered || s.reqackAt === null || s.ready.has(r.client) || s.answered.has(r.client)) continue;
      if ((s.asked.get(s.round) ?? Number.POSITIVE_INFINITY) > asked) continue;
      s.timedOut = true; // its late answers could belong to either round (Karn's rule)
      s.nextRound();
    }
  }

  /** The next REQACK timeout (+∞ while no REQACK waits). */
  nextTimeout(): number {
    let t = Number.POSITIVE_INFINITY;
    for (const s of this.inFlight) {
      const askedAt = this.awaited(s);
      if (askedAt !== null) t = Math.min(t, askedAt + this.rto.current);
    }
    return t;
  }

  /**
   * When the slice's current REQACK went out, if some live receiver has still to OK it; else
   * null. A slice every receiver OKed keeps its REQACK time until the window retires it, which
   * (full duplex) waits for the older slice: it must not time out meanwhile (it re-asked
   * nobody and doubled the timeout).
   */
  private awaited(s: Slice): number | null {
    return s.reqackAt !== null && this.receivers.live().some((r) => !s.ready.has(r.client)) ? s.reqackAt : null;
  }

  /** A receiver was dropped: rounds that waited only for it end now. */
  recheck(): void {
    for (const s of this.inFlight) this.checkRound(s);
  }

  /**
   * A round ends when every live receiver not yet OK has answered it. Ended by an answer
   * (`answeredAt`), it times the round, unless one of the slice's rounds timed out: a late
   * answer could then belong to either REQACK (Karn's rule).
   */
  private checkRound(slice: Slice, answeredAt?: number): void {
    if (slice.reqackAt === null) return;
    const pending = this.receivers.live().filter((r) => !slice.ready.has(r.client));
    const ended = pending.every((r) => slice.answered.has(r.client));
    if (!ended) return;
    if (answeredAt !== undefined && !slice.timedOut) this.rto.sample(answeredAt - slice.reqackAt);
    if (pending.length > 0) slice.nextRound(); // none pending: completeSlices retires it
  }

  /** Rounds past their timeout: drop the silent and the stuck, back off, ask again. */
  pollTimeouts(now: number, out: SenderAction[]): void {
    for (const slice of this.inFlight) {
      if (slice.round >= MAX_ROUNDS && now - slice.openedAt >= this.opts.dropAfterMs) {
        for (const r of this.receivers.live()) if (!slice.ready.has(r.client)) this.receivers.drop(r, `slice ${slice.index} still incomplete after ${slice.round} rounds`, out);
      }
      const askedAt = this.awaited(slice);
      if (askedAt === null || now - askedAt < this.rto.current) continue;
      for (const r of this.receivers.live()) {
        if (slice.ready.has(r.client)) continue;
        if (now - r.lastHeard >= this.opts.dropAfterMs) this.receivers.drop(r, `no answer for ${Math.round((now - r.lastHeard) / 1000)} s`, out);
        else if (!slice.answered.has(r.client)) this.receivers.silent(r, out);
      }
      if (slice.reqackAt !== null) {
        slice.timedOut = true;
        this.rto.backoff();
        slice.nextRound();
      }
    }
  }
}
