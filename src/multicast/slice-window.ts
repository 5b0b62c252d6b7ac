import { Slice } from './slice.js';
import { adaptToLoss } from './slice-adapt.js';
import { Pacer } from './pacer.js';
import { PROBE_ROUND, SliceRounds, type RoundReceivers } from './slice-rounds.js';
import type { Destination, ReceiverProgress, SenderAction, SenderOptions } from './sender-types.js';

/** DATA blocks sent before the probe: few, so its answer comes back early in the slice. */
const PROBE_AFTER = 8;

/** What the window asks of the session: the rounds' needs, and where DATA and REQACK go. */
export interface WindowReceivers extends RoundReceivers {
  /** The session's `dataTo`: the group, or the only receiver (point-to-point). */
  dataTo(): Destination;
}

/**
 * The slices in flight: opening and reading them, DATA under the pacer (with the
 * full-duplex probe) and REQACKs, retiring OKed slices, after which slice size and pacing
 * rate adapt. Their REQACK rounds are `rounds`, over the same list.
 */
export class SliceWindow {
  private readonly inFlight: Slice[] = [];
  private nextOffset = 0;
  private nextIndex = 0;
  private endQueued = false;
  /** REQACKs sent so far, every slice's: numbers each one (Slice.asked). */
  private reqacks = 0;
  sliceBlocks: number;
  readonly rounds: SliceRounds;
  private readonly pacer: Pacer;
  /** True when data is ready to go and only the caller's budget held it back. */
  wantsToSend = false;

  constructor(
    private readonly opts: SenderOptions,
    openedAt: number,
    private readonly receivers: WindowReceivers,
  ) {
    this.sliceBlocks = opts.sliceBlocks.start;
    this.rounds = new SliceRounds(opts, receivers, this.inFlight);
    this.pacer = new Pacer(opts.maxBitrate, openedAt);
  }

  /** Open and read slices, then send up to `budget` DATA packets and the REQACKs due. */
  send(now: number, budget: number, out: SenderAction[]): void {
    this.openSlices(out);
    this.sendData(now, budget, out);
    this.openSlices(out); // a first pass may just have ended: read the next slice meanwhile
  }

  /** The next REQACK timeout or pacing wakeup. */
  nextWakeup(now: number): number {
    let t = this.rounds.nextTimeout();
    if (this.pacer.blocked) t = Math.min(t, Math.max(now, this.pacer.blockedUntil));
    return t;
  }

  /** The push ends: every slice in flight is released. */
  releaseAll(out: SenderAction[]): void {
    for (const s of this.inFlight.splice(0)) out.push({ type: 'release', slice: s.index });
  }

  /** Release the slices every live receiver OKed, oldest first; true once the end slice is. */
  retire(live: ReceiverProgress[], out: SenderAction[]): boolean {
    while (this.inFlight.length > 0) {
      const s = this.inFlight[0]!;
      const asked = s.reqackAt !== null || s.round > 0;
      if (!asked || !live.every((r) => s.ready.has(r.client))) break;
      this.inFlight.shift();
      out.push({ type: 'release', slice: s.index });
      this.adaptSliceSize(s);
      if (s.bytes === 0) return true;
    }
    return false;
  }

  /** After each slice, the size of the next ones and (with autoRate) the pacing rate. */
  private adaptSliceSize(s: Slice): void {
    const next = adaptToLoss(s, this.sliceBlocks, this.pacer.rate, this.opts);
    this.sliceBlocks = next.sliceBlocks;
    if (next.rate !== this.pacer.rate) this.pacer.setRate(next.rate);
  }

  /** The pacing rate in bits per second (null = none). */
  get rate(): number | null {
    return this.pacer.rate;
  }

  /** Slices whose DATA may be on the wire at once: 1 in half duplex, 2 in full duplex. */
  private get window(): number {
    return this.opts.duplex === 'full' ? 2 : 1;
  }

  /**
   * Two slices are open at once in both modes, the second opened (and read) in the same poll
   * that sends the first one's REQACK. In half duplex it is only read, not sent: its bytes
   * are in memory when the first one's OK comes, and its DATA follows at once. (Opened on the
   * OK, the read cost 0.2–0.8 ms of idle link per slice at 1 Gbit/s; in full duplex, opened
   * one poll late, it waited for that OK too: 109–110 MiB/s at N = 1 instead of 113.)
   * Its size is chosen when it opens, so growth and loss-driven halving apply one slice later.
   */
  private openSlices(out: SenderAction[]): void {
    while (!this.endQueued && this.inFlight.length < 2) {
      const last = this.inFlight.at(-1);
      if (last && !(last.firstPassDone && last.loaded && last.reqackAt !== null)) break;
      const bytes = Math.min(this.sliceBlocks * this.opts.blockSize, this.opts.imageSize - this.nextOffset);
      const s = new Slice(this.nextIndex++, this.nextOffset, bytes, this.opts.blockSize);
      this.nextOffset += bytes;
      this.endQueued = bytes === 0;
      this.inFlight.push(s);
      if (bytes > 0) out.push({ type: 'load', slice: s.index, offset: s.offset, bytes });
    }
  }

  /** The driver has the slice's bytes in memory. */
  loaded(index: number): void {
    const s = this.inFlight.find((x) => x.index === index);
    if (s) s.loaded = true;
  }

  private sendData(now: number, budget: number, out: SenderAction[]): void {
    this.wantsToSend = false;
    for (let i = 0; i < this.inFlight.length && i < this.window; i++) {
      const s = this.inFlight[i]!;
      if (!s.loaded) break;
      // A stock receiver OKs the end slice whatever it still misses, and that OK makes it
      // done: the end is asked only once every data slice is OKed (full duplex had it early).
      if (s.bytes === 0 && i > 0) break;
      // A stock receiver that gets DATA of slice k+1 without ever having seen a packet of
      // slice k exits ("Dropped by server now=k+1 last=k-1"), as when a socket-buffer overflow
      // swallowed all of slice k. So the second slice in flight goes out only once every live
      // receiver has answered a REQACK of the first (its probe, normally, long before).
      if (i > 0 && !this.receivers.live().every((r) => this.inFlight[0]!.seen.has(r.client))) break;
      if (!s.sending) {
        // A slice read ahead counts its time (the 200-round drop rule) from its first DATA.
        s.sending = true;
        s.openedAt = now;
      }
      if (s.reqackAt !== null) continue;
      let blocks: number[] = [];
      let taken = 0;
      const take = (b: number): boolean => {
        if (taken >= budget) return (this.wantsToSend = true), false;
        if (!this.pacer.take(now, s.blockLength(b) + 16 + 28)) return false;
        blocks.push(b);
        taken++;
        return true;
      };
      for (const b of s.resend) {
        if (!take(b)) break;
        s.resend.delete(b);
        s.resent++;
      }
      const probe = this.window > 1 && !s.probed;
      while (s.resend.size === 0 && !s.firstPassDone && take(s.nextBlock)) {
        s.nextBlock++;
        if (probe && !s.probed && blocks.length === PROBE_AFTER) blocks = this.probe(s, blocks, out);
      }
      budget -= taken;
      if (probe && !s.probed && blocks.length > 0) blocks = this.probe(s, blocks, out);
      if (blocks.length > 0) out.push({ type: 'blocks', slice: s.index, blocks });
      if (s.resend.size > 0 || !s.firstPassDone) return; // out of budget or tokens
      this.reqack(s, s.round, out);
      s.reqackAt = now;
      s.sentAt.set(s.round, now);
    }
  }

  /** The first DATA of a slice, then its probe (full duplex): answered within a round trip. */
  private probe(s: Slice, blocks: number[], out: SenderAction[]): number[] {
    out.push({ type: 'blocks', slice: s.index, blocks });
    this.reqack(s, PROBE_ROUND, out);
    s.probed = true;
    return [];
  }

  private reqack(s: Slice, round: number, out: SenderAction[]): void {
    s.asked.set(round, ++this.reqacks);
    out.push({ type: 'send', to: this.receivers.dataTo(), message: { op: 'reqack', slice: s.index, bytes: s.bytes, round, readySet: s.readySet.slice() } });
  }
}
