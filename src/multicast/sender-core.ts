import { DEFAULT_CAPABILITIES, bitSet, type ReceiverMessage, type SenderMessage } from '../wire/udpcast/index.js';
import { nextJoinWakeup, refusal, startDecision, type JoinState } from './joining.js';
import type { Slice } from './slice.js';
import { SliceWindow } from './slice-window.js';
import type { ReceiverProgress, SenderAction, SenderEvent, SenderOptions } from './sender-types.js';

/**
 * Before the start, a HELLO sent after the last join must go this long without a repeated
 * CONNECT_REQ (a receiver on the same segment answers one in well under a millisecond).
 */
const CONFIRM_MS = 20;
/** HELLOs the start sends to confirm the joins before it goes ahead regardless. */
const CONFIRM_HELLOS = 5;

export { PROBE_ROUND } from './slice-rounds.js';

type Phase = 'waiting' | 'transfer' | 'finished';

/**
 * The udpcast sender as a state machine driven by a clock: no sockets, no file, no timers.
 * `handle()` takes a decoded receiver message, `poll()` advances time; both return the
 * actions the driver performs in order. Slices are numbered from 0; each is sent, then
 * REQACKed in rounds until every live receiver OKs it; the zero-byte slice, asked once every
 * data slice is OKed, ends the push. Full duplex keeps two slices in flight and probes each
 * (a REQACK after its first blocks) so the second goes out only to receivers holding the first.
 * This class keeps the session (phases, receivers, HELLOs, start and finish); the slices in
 * flight are a SliceWindow (slice-window.ts), their REQACK rounds SliceRounds (slice-rounds.ts).
 */
export class SenderCore {
  private phase: Phase = 'waiting';
  private readonly receivers = new Map<string, ReceiverProgress>();
  private readonly window: SliceWindow;
  private nextHello: number;
  private lastJoinAt: number;
  /**
   * When the last HELLO went out, if none of the joined receivers has joined or asked again
   * (CONNECT_REQ) since; null otherwise.
   */
  private helloSince: number | null = null;
  private confirmHellos = 0;
  /** Receivers that answered a REQACK: they got their CONNECT_REPLY. */
  private readonly answering = new Set<string>();
  /**
   * Where DATA and REQACK go: the group, or the only receiver (point-to-point: a switch
   * without IGMP snooping would flood the group to every port). Fixed at the start.
   */
  dataTo: 'group' | { ip: string; port: number } = 'group';
  result: { ok: boolean; reason: string | null } | null = null;

  constructor(
    private readonly opts: SenderOptions,
    private readonly openedAt: number,
  ) {
    this.nextHello = openedAt;
    this.lastJoinAt = openedAt;
    this.window = new SliceWindow(opts, openedAt, {
      live: () => this.live(),
      dataTo: () => this.dataTo,
      ready: (slice, r, out) => this.ready(slice, r, out),
      drop: (r, reason, out) => this.drop(r, reason, out),
      silent: (r, out) => this.silent(r, out),
    });
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
      case 'retransmit':
        if (r) this.answering.add(ip);
        this.window.rounds.answer(msg, r, now, out);
        break;
    }
    this.completeSlices(out);
    return out;
  }

  /**
   * The receiver at `ip` cannot be reached any more (its host answered with ICMP port
   * unreachable: the receiver process has exited). A joined receiver is dropped now rather than after
   * `dropAfter`; a done one is left alone (it exits once it has OKed the end).
   */
  unreachable(ip: string, reason: string): SenderAction[] {
    const out: SenderAction[] = [];
    const r = this.receivers.get(ip);
    if (this.phase !== 'transfer' || !r || r.state !== 'joined') return out;
    this.drop(r, reason, out);
    this.completeSlices(out);
    return out;
  }

  /** Advance to `now`: HELLOs, start policy, REQACK timeouts, and up to `budget` DATA packets. */
  poll(now: number, budget = Number.POSITIVE_INFINITY): SenderAction[] {
    const out: SenderAction[] = [];
    if (this.phase === 'waiting') this.pollWaiting(now, out);
    if (this.phase === 'transfer') {
      this.window.rounds.pollTimeouts(now, out);
      this.completeSlices(out);
      if (this.phase === 'transfer') this.window.send(now, budget, out);
    }
    return out;
  }

  /** The next time `poll` has timed work to do (HELLO, start policy, REQACK timeout, pacing). */
  nextWakeup(now: number): number {
    if (this.phase === 'finished') return Number.POSITIVE_INFINITY;
    if (this.phase === 'waiting') {
      const confirm = this.helloSince === null ? Number.POSITIVE_INFINITY : this.helloSince + CONFIRM_MS;
      return Math.min(nextJoinWakeup(this.joinState(now), this.opts), confirm > now ? confirm : Number.POSITIVE_INFINITY);
    }
    return this.window.nextWakeup(now);
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
    if (known && known.state !== 'dropped') {
      // A retried CONNECT_REQ: the receiver did not get its reply (it asks again on a HELLO).
      if (this.phase === 'waiting') this.helloSince = null;
      return void reply(known.client);
    }
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
    this.helloSince = null;
    reply(r.client);
    this.emit(out, { kind: 'joined', receiver: { ...r } });
  }

  private joinState(now: number): JoinState {
    return { now, joined: this.live().length, openedAt: this.openedAt, lastJoinAt: this.lastJoinAt, nextHello: this.nextHello };
  }

  private pollWaiting(now: number, out: SenderAction[]): void {
    const o = this.opts;
    const decision = startDecision(this.joinState(now), o);
    if (decision.kind === 'start' && this.joinsConfirmed(now, out)) return this.start(out);
    if (decision.kind === 'fail') return void this.finish(false, decision.reason, out);
    if (now >= this.nextHello) this.sendHello(now, out);
  }

  private sendHello(now: number, out: SenderAction[]): void {
    out.push({ type: 'send', to: 'rendezvous', message: this.hello() });
    this.helloSince = now;
    this.nextHello = now + this.opts.helloIntervalMs;
  }

  /**
   * A stock udp-receiver whose CONNECT_REPLY was lost asks again only on a HELLO, and exits
   * on the first REQACK sent to its address (point-to-point: "Bad server reply"); a connected
   * one ignores HELLOs. So the start waits until a HELLO sent after the last join and after
   * the last repeated CONNECT_REQ has gone CONFIRM_MS without one; a receiver that asks again
   * gets its reply and then another HELLO, up to CONFIRM_HELLOS in all.
   */
  private joinsConfirmed(now: number, out: SenderAction[]): boolean {
    if (this.helloSince !== null) return now - this.helloSince >= CONFIRM_MS;
    if (this.confirmHellos >= CONFIRM_HELLOS) return true;
    this.confirmHellos++;
    this.sendHello(now, out);
    return false;
  }

  private hello(): SenderMessage {
    return { op: 'hello', capabilities: DEFAULT_CAPABILITIES, group: this.opts.group, blockSize: this.opts.blockSize };
  }

  /**
   * `r` let a REQACK round time out. If it never answered a REQACK, its CONNECT_REPLY may
   * have been lost: a stock udp-receiver asks again only when a HELLO comes, HELLOs stop at
   * the start, and it would wait in silence until dropped (1 % loss at N = 8: one push in
   * about 170). A HELLO sent to it brings its CONNECT_REQ back, and that gets the reply again.
   */
  private silent(r: ReceiverProgress, out: SenderAction[]): void {
    if (!this.answering.has(r.ip)) out.push({ type: 'send', to: { ip: r.ip, port: r.port }, message: this.hello() });
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
    this.window.releaseAll(out);
    this.emit(out, { kind: 'finished', ok, reason });
    return out;
  }

  private drop(r: ReceiverProgress, reason: string, out: SenderAction[]): void {
    r.state = 'dropped';
    r.reason = reason;
    this.emit(out, { kind: 'dropped', receiver: { ...r } });
    this.window.rounds.recheck();
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

  private completeSlices(out: SenderAction[]): void {
    if (this.phase !== 'transfer') return;
    const live = this.live();
    if (live.length === 0 && this.receivers.size > 0 && [...this.receivers.values()].every((r) => r.state === 'dropped')) {
      this.finish(false, 'every receiver was dropped', out);
      return;
    }
    if (this.window.retire(live, out)) {
      const done = [...this.receivers.values()].filter((r) => r.state === 'done').length;
      this.finish(done > 0, done > 0 ? null : 'no receiver completed', out);
    }
  }

  /** Blocks per slice for the next slice opened. */
  get sliceBlocks(): number {
    return this.window.sliceBlocks;
  }

  /** The pacing rate in bits per second (null = none). */
  get rate(): number | null {
    return this.window.rate;
  }

  /** True when data is ready to go and only the caller's budget held it back. */
  get wantsToSend(): boolean {
    return this.window.wantsToSend;
  }

  /** The driver has the slice's bytes in memory. */
  loaded(index: number): void {
    this.window.loaded(index);
  }
}
