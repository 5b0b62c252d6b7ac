import { DEFAULT_CAPABILITIES, bitSet, type ReceiverMessage } from '../wire/udpcast/index.js';
import { nextJoinWakeup, refusal, startDecision, type JoinState } from './joining.js';
import { Slice } from './slice.js';
import { adaptToLoss } from './slice-adapt.js';
import { Pacer } from './pacer.js';
import { RtoEstimator } from '../net/rto.js';
import type { ReceiverProgress, SenderAction, SenderEvent, SenderOptions } from './sender-types.js';

type Phase = 'waiting' | 'transfer' | 'finished';

/** udp-sender's --retries-until-drop default: a receiver that answers but never completes a slice. */
const MAX_ROUNDS = 200;
/**
 * The round number of the full-duplex probe: a REQACK sent with a slice's first DATA, whose
 * answers only say the receiver holds the slice (their maps are not repair requests).
 */
export const PROBE_ROUND = 0xffffffff;
/** DATA blocks sent before the probe: few, so its answer comes back early in the slice. */
const PROBE_AFTER = 8;

/**
 * The udpcast sender as a state machine driven by a clock: no sockets, no file, no timers.
 * `handle()` takes a decoded receiver message, `poll()` advances time; both return the
 * actions the driver performs in order. Slices are numbered from 0; each is sent, then
 * REQACKed in rounds until every live receiver OKs it; the zero-byte slice, asked once every
 * data slice is OKed, ends the push. Full duplex keeps two slices in flight and probes each
 * (a REQACK after its first blocks) so the second goes out only to receivers holding the first.
 */
export class SenderCore {
  private phase: Phase = 'waiting';
  private readonly receivers = new Map<string, ReceiverProgress>();
  private readonly inFlight: Slice[] = [];
  private nextOffset = 0;
  private nextIndex = 0;
  private endQueued = false;
  sliceBlocks: number;
  private nextHello: number;
  /**
   * How long a REQACK round waits for its answers, learned per round (REQACK to its last
   * answer: the slowest receiver sets it) as TCP learns its RTO; 10 ms, then 2–500 ms.
   */
  private readonly rto = new RtoEstimator(2, 10, 500);
  private lastJoinAt: number;
  private readonly pacer: Pacer;
  /**
   * Where DATA and REQACK go: the group, or the only receiver (point-to-point: a switch
   * without IGMP snooping would flood the group to every port). Fixed at the start.
   */
  dataTo: 'group' | { ip: string; port: number } = 'group';
  /** True when data is ready to go and only the caller's budget held it back. */
  wantsToSend = false;
  result: { ok: boolean; reason: string | null } | null = null;

  constructor(
    private readonly opts: SenderOptions,
    private readonly openedAt: number,
  ) {
    this.sliceBlocks = opts.sliceBlocks.start;
    this.nextHello = openedAt;
    this.lastJoinAt = openedAt;
    this.pacer = new Pacer(opts.maxBitrate, openedAt);
  }

  get started(): boolean {
    return this.phase !== 'waiting';
  }

  progress(): ReceiverProgress[] {
    return [...this.receivers.values()].map((r) => ({ ...r }));
  }

  /** Stop now (cancel): the push ends unsuccessfully. */
  abort(reason: string): SenderAction[] {
    if (this.phase === 'finished') return [];
    return this.finish(false, reason);
  }

  handle(msg: ReceiverMessage, ip: string, port: number, now: number): SenderAction[] {
    const out: SenderAction[] = [];
    const r = this.receivers.get(ip);
    if (r) r.lastHeard = now;
    switch (msg.op) {
      case 'connect-req':
        this.connect(ip, port, msg.capabilities, now, out);
        break;
      case 'go':
        if (this.phase === 'waiting' && r && this.live().length > 0) this.start(out);
        break;
      case 'disconnect':
        if (r && r.state === 'joined') this.drop(r, 'disconnected before the end', out);
        break;
      case 'ok':
      case 'retransmit': {
        const slice = this.inFlight.find((s) => s.index === msg.slice);
        if (!r || r.state !== 'joined' || !slice || slice.ready.has(r.client)) break;
        slice.seen.add(r.client);
        if (msg.op === 'retransmit' && msg.round === PROBE_ROUND) break;
        // OK carries no round. A RETRANSMIT for an earlier round is late, not wrong: its map
        // still says what was missing. Dropping it livelocks a receiver that always answers
        // slower than the timeout (the stock sender never compares rounds at all).
        const round = msg.op === 'retransmit' ? msg.round : slice.round;
        const sent = slice.sentAt.get(round) ?? (msg.op === 'ok' ? slice.sentAt.get(slice.round - 1) : undefined);
        if (sent === undefined) break; // a round never asked
        if (msg.op === 'ok') {
          slice.answered.add(r.client);
          this.ready(slice, r, out);
        } else {
          slice.noteMissing(msg.received);
          if (round === slice.round && slice.reqackAt !== null) slice.answered.add(r.client);
        }
        this.checkRound(slice, now);
        break;
      }
    }
    this.completeSlices(out);
    return out;
  }

  /** Advance to `now`: HELLOs, start policy, REQACK timeouts, and up to `budget` DATA packets. */
  poll(now: number, budget = Number.POSITIVE_INFINITY): SenderAction[] {
    const out: SenderAction[] = [];
    if (this.phase === 'waiting') this.pollWaiting(now, out);
    if (this.phase === 'transfer') {
      this.pollTimeouts(now, out);
      this.completeSlices(out);
      if (this.phase === 'transfer') {
        this.openSlices(out);
        this.sendData(now, budget, out);
        this.openSlices(out); // a first pass may just have ended: read the next slice meanwhile
      }
    }
    return out;
  }

  /** The next time `poll` has timed work to do (HELLO, start policy, REQACK timeout, pacing). */
  nextWakeup(now: number): number {
    if (this.phase === 'finished') return Number.POSITIVE_INFINITY;
    if (this.phase === 'waiting') return nextJoinWakeup(this.joinState(now), this.opts);
    let t = Number.POSITIVE_INFINITY;
    for (const s of this.inFlight) if (s.reqackAt !== null) t = Math.min(t, s.reqackAt + this.rto.current);
    if (this.pacer.blocked) t = Math.min(t, Math.max(now, this.pacer.blockedUntil));
    return t;
  }

  private live(): ReceiverProgress[] {
    return [...this.receivers.values()].filter((r) => r.state === 'joined');
  }

  private emit(out: SenderAction[], event: SenderEvent): void {
    out.push({ type: 'event', event });
  }

  private connect(ip: string, port: number, caps: number, now: number, out: SenderAction[]): void {
    const reply = (client: number) =>
      out.push({
        type: 'send',
        to: { ip, port },
        message: { op: 'connect-reply', client, blockSize: this.opts.blockSize, capabilities: DEFAULT_CAPABILITIES, group: this.opts.group },
      });
    const known = this.receivers.get(ip);
    if (known && known.state !== 'dropped') return void reply(known.client); // a retried CONNECT_REQ
    const reason = refusal(ip, caps, this.phase === 'waiting', !known, this.receivers.size, this.opts.admit);
    if (reason !== null) {
      reply(-1);
      this.emit(out, { kind: 'refused', ip, reason });
      return;
    }
    // A receiver that DISCONNECTed while the push waited and joins again keeps its number:
    // entries are never removed, so `size` is the next unused number only for a new IP
    // (two receivers sharing a number would share a ready-set bit).
    const client = known ? known.client : this.receivers.size;
    const r: ReceiverProgress = { ip, port, client, state: 'joined', confirmed: 0, joinedAt: now, lastHeard: now, reason: null };
    this.receivers.set(ip, r);
    this.lastJoinAt = now;
    reply(r.client);
    this.emit(out, { kind: 'joined', receiver: { ...r } });
  }

  private joinState(now: number): JoinState {
    return { now, joined: this.live().length, openedAt: this.openedAt, lastJoinAt: this.lastJoinAt, nextHello: this.nextHello };
  }

  private pollWaiting(now: number, out: SenderAction[]): void {
    const o = this.opts;
    const decision = startDecision(this.joinState(now), o);
    if (decision.kind === 'start') return this.start(out);
    if (decision.kind === 'fail') return void this.finish(false, decision.reason, out);
    if (now >= this.nextHello) {
      out.push({ type: 'send', to: 'rendezvous', message: { op: 'hello', capabilities: DEFAULT_CAPABILITIES, group: o.group, blockSize: o.blockSize } });
      this.nextHello = now + o.helloIntervalMs;
    }
  }

  private start(out: SenderAction[]): void {
    this.phase = 'transfer';
    const live = this.live();
    if (this.opts.pointToPoint && live.length === 1) this.dataTo = { ip: live[0]!.ip, port: live[0]!.port };
    this.emit(out, { kind: 'started', receivers: this.live().length });
  }

  private finish(ok: boolean, reason: string | null, out: SenderAction[] = []): SenderAction[] {
    this.phase = 'finished';
    this.result = { ok, reason };
    for (const s of this.inFlight.splice(0)) out.push({ type: 'release', slice: s.index });
    this.emit(out, { kind: 'finished', ok, reason });
    return out;
  }

  private drop(r: ReceiverProgress, reason: string, out: SenderAction[]): void {
    r.state = 'dropped';
    r.reason = reason;
    this.emit(out, { kind: 'dropped', receiver: { ...r } });
    for (const s of this.inFlight) this.checkRound(s);
  }

  private ready(slice: Slice, r: ReceiverProgress, out: SenderAction[]): void {
    slice.ready.add(r.client);
    bitSet(slice.readySet, r.client);
    r.confirmed += slice.bytes;
    if (slice.bytes === 0) {
      r.state = 'done';
      this.emit(out, { kind: 'receiver-done', receiver: { ...r } });
    }
  }

  /**
   * A round ends when every live receiver not yet OK has answered it. Ended by an answer
   * (`answeredAt`), it times the round, unless one of the slice's rounds timed out: a late
   * answer could then belong to either REQACK (Karn's rule).
   */
  private checkRound(slice: Slice, answeredAt?: number): void {
    if (slice.reqackAt === null) return;
    const pending = this.live().filter((r) => !slice.ready.has(r.client));
    const ended = pending.every((r) => slice.answered.has(r.client));
    if (!ended) return;
    if (answeredAt !== undefined && !slice.timedOut) this.rto.sample(answeredAt - slice.reqackAt);
    if (pending.length > 0) slice.nextRound(); // none pending: completeSlices retires it
  }

  private pollTimeouts(now: number, out: SenderAction[]): void {
    for (const slice of this.inFlight) {
      if (slice.round >= MAX_ROUNDS && now - slice.openedAt >= this.opts.dropAfterMs) {
        for (const r of this.live()) if (!slice.ready.has(r.client)) this.drop(r, `slice ${slice.index} still incomplete after ${slice.round} rounds`, out);
      }
      if (slice.reqackAt === null || now - slice.reqackAt < this.rto.current) continue;
      for (const r of this.live()) {
        if (!slice.ready.has(r.client) && now - r.lastHeard >= this.opts.dropAfterMs) {
          this.drop(r, `no answer for ${Math.round((now - r.lastHeard) / 1000)} s`, out);
        }
      }
      if (slice.reqackAt !== null) {
        slice.timedOut = true;
        this.rto.backoff();
        slice.nextRound();
      }
    }
  }

  private completeSlices(out: SenderAction[]): void {
    if (this.phase !== 'transfer') return;
    const live = this.live();
    if (live.length === 0 && this.receivers.size > 0 && [...this.receivers.values()].every((r) => r.state === 'dropped')) {
      this.finish(false, 'every receiver was dropped', out);
      return;
    }
    while (this.inFlight.length > 0) {
      const s = this.inFlight[0]!;
      const asked = s.reqackAt !== null || s.round > 0;
      if (!asked || !live.every((r) => s.ready.has(r.client))) break;
      this.inFlight.shift();
      out.push({ type: 'release', slice: s.index });
      this.adaptSliceSize(s);
      if (s.bytes === 0) {
        const done = [...this.receivers.values()].filter((r) => r.state === 'done').length;
        this.finish(done > 0, done > 0 ? null : 'no receiver completed', out);
        return;
      }
    }
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
      if (i > 0 && !this.live().every((r) => this.inFlight[0]!.seen.has(r.client))) break;
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
    out.push({ type: 'send', to: this.dataTo, message: { op: 'reqack', slice: s.index, bytes: s.bytes, round, readySet: s.readySet.slice() } });
  }
}
