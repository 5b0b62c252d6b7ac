import { expect } from 'vitest';
import { bitIsSet, bitSet, newBitmap, type ReceiverMessage, type SenderMessage } from '../../../src/wire/udpcast/index.js';
import { SenderCore } from '../../../src/multicast/sender-core.js';
import { DEFAULT_SLICE_BLOCKS, type SenderAction, type SenderEvent, type SenderOptions } from '../../../src/multicast/sender-types.js';

/** A simulated udp-receiver: keeps the blocks it got per slice and answers REQACKs. */
export class SimReceiver {
  client = -1;
  silent = false;
  /** CONNECT_REPLYs to lose; one lost leaves it waiting, and like udp-receiver it asks again on a HELLO. */
  lostReplies = 0;
  waitingForReply = false;
  readonly got = new Map<number, Set<number>>();
  bytes = new Map<number, number>();
  okEnd = false;
  /**
   * udp-receiver's exit on a packet of a new slice that is not the next one it knows of, or
   * more than 2 past its last complete slice ("Dropped by server now=N last=M").
   */
  abortedAt: { slice: number; last: number } | null = null;
  /** The newest slice it holds (udp-receiver opens slice 0 at start) and its last complete one. */
  private current = 0;
  private complete = -1;
  constructor(
    readonly ip: string,
    readonly lose: (slice: number, block: number) => boolean = () => false,
  ) {}

  /** A packet of `slice` got through: udp-receiver's check before it opens a new slice. */
  private see(slice: number): void {
    if (slice <= this.current) return;
    if (slice !== this.current + 1 || slice > this.complete + 2) this.abortedAt ??= { slice, last: this.complete };
    this.current = slice;
  }

  onData(slice: number, block: number, bytes: number, blockSize: number): void {
    if (this.silent || this.abortedAt || this.lose(slice, block)) return;
    this.see(slice);
    if (!this.got.has(slice)) this.got.set(slice, new Set());
    this.got.get(slice)!.add(block);
    this.bytes.set(slice, bytes);
    const whole = (k: number) => this.bytes.has(k) && this.got.get(k)!.size >= Math.ceil(this.bytes.get(k)! / blockSize);
    while (whole(this.complete + 1)) this.complete++;
  }

  onReqack(m: Extract<SenderMessage, { op: 'reqack' }>, blockSize: number): ReceiverMessage | null {
    if (this.silent || this.abortedAt || this.client < 0 || bitIsSet(m.readySet, this.client)) return null;
    this.see(m.slice);
    const blocks = Math.ceil(m.bytes / blockSize);
    const have = this.got.get(m.slice) ?? new Set();
    if (have.size >= blocks) {
      if (m.bytes === 0) this.okEnd = true;
      return { op: 'ok', slice: m.slice };
    }
    const received = newBitmap();
    for (const b of have) bitSet(received, b);
    return { op: 'retransmit', slice: m.slice, round: m.round, received };
  }
}

export function options(over: Partial<SenderOptions> = {}): SenderOptions {
  return {
    imageSize: 100_000,
    blockSize: 1000,
    group: '234.77.0.1',
    duplex: 'full',
    maxBitrate: null,
    autoRate: false,
    admit: () => true,
    expected: null,
    minReceivers: 1,
    maxWaitMs: 0,
    startTimeoutMs: null,
    dropAfterMs: 2000,
    helloIntervalMs: 1000,
    pointToPoint: false,
    settleMs: 0,
    sliceBlocks: { ...DEFAULT_SLICE_BLOCKS, start: 8 },
    ...over,
  };
}

/** Runs a SenderCore against simulated receivers on a fake clock, 1 ms per step. */
export class Sim {
  now = 0;
  readonly core: SenderCore;
  readonly events: SenderEvent[] = [];
  readonly sent: SenderAction[] = [];
  readonly replies: Array<{ ip: string; message: SenderMessage }> = [];
  maxInFlightData = 0;
  /**
   * How far past the oldest unreleased slice any DATA or REQACK went (0: only that slice).
   * udp-receiver aborts when a slice arrives more than 2 ahead of its last completed one.
   */
  maxAhead = 0;
  private released = 0;
  /** When each DATA batch went out (fake clock, ms). */
  readonly dataAt: Array<{ slice: number; at: number }> = [];
  /** When the first receiver was dropped. */
  droppedAt: number | undefined;
  private readonly sliceBytes = new Map<number, number>();
  /** Slices with DATA sent and not yet released (a slice loaded ahead is not in it). */
  private readonly sendingSlices = new Set<number>();
  private pending: Array<{ at: number; ip: string; answer: ReceiverMessage }> = [];
  /** When each receiver's last pending answer is due. */
  private readonly lastDue = new Map<string, number>();

  constructor(
    readonly opts: SenderOptions,
    readonly receivers: SimReceiver[],
    readonly budget = 64,
    /** Delay of the receivers' answers to a REQACK, in ms (0 = at once), or one per receiver IP. */
    readonly latencyMs: number | ((ip: string) => number) = 0,
  ) {
    this.core = new SenderCore(opts, 0);
  }

  connect(r: SimReceiver, caps = 9): void {
    this.apply(this.core.handle({ op: 'connect-req', capabilities: caps, rcvbuf: 212992 }, r.ip, 9000, this.now));
  }

  apply(actions: SenderAction[]): void {
    for (const a of actions) {
      this.sent.push(a);
      if (a.type === 'event') {
        this.events.push(a.event);
        if (a.event.kind === 'dropped') this.droppedAt ??= this.now;
      }
      else if (a.type === 'load') {
        this.sliceBytes.set(a.slice, a.bytes);
        this.core.loaded(a.slice);
      } else if (a.type === 'release') {
        this.sendingSlices.delete(a.slice);
        this.released++;
      } else if (a.type === 'blocks') {
        this.maxAhead = Math.max(this.maxAhead, a.slice - this.released);
        this.dataAt.push({ slice: a.slice, at: this.now });
        this.sendingSlices.add(a.slice);
        this.maxInFlightData = Math.max(this.maxInFlightData, this.sendingSlices.size);
        for (const b of a.blocks) for (const r of this.receivers) r.onData(a.slice, b, this.sliceBytes.get(a.slice)!, this.opts.blockSize);
      } else if (a.type === 'send') {
        if (a.message.op === 'reqack') this.maxAhead = Math.max(this.maxAhead, a.message.slice - this.released);
        this.deliver(a.to, a.message);
      }
    }
  }

  private deliver(to: SenderAction & { type: 'send' } extends { to: infer T } ? T : never, m: SenderMessage): void {
    if (typeof to === 'object') {
      this.replies.push({ ip: to.ip, message: m });
      const r = this.receivers.find((x) => x.ip === to.ip);
      if (r && m.op === 'connect-reply') {
        r.waitingForReply = r.lostReplies > 0;
        if (r.lostReplies > 0) r.lostReplies--;
        else r.client = m.client;
      }
      if (r && m.op === 'hello' && r.waitingForReply) this.connect(r);
      if (m.op !== 'reqack') return; // a point-to-point REQACK goes on, to that receiver only
    }
    // A stock receiver still waiting for its CONNECT_REPLY asks again on any HELLO.
    if (m.op === 'hello') for (const r of this.receivers) if (r.waitingForReply) this.connect(r);
    if (m.op !== 'reqack') return;
    for (const r of this.receivers) {
      if (typeof to === 'object' && r.ip !== to.ip) continue;
      const answer = r.onReqack(m, this.opts.blockSize);
      if (!answer) continue;
      const latency = typeof this.latencyMs === 'number' ? this.latencyMs : this.latencyMs(r.ip);
      // a receiver's answers arrive in the order it sent them, whatever the latency does
      const at = Math.max(this.now + latency, this.lastDue.get(r.ip) ?? 0);
      if (at <= this.now) this.apply(this.core.handle(answer, r.ip, 9000, this.now));
      else {
        this.pending.push({ at, ip: r.ip, answer });
        this.lastDue.set(r.ip, at);
      }
    }
  }

  /** Step the clock 1 ms at a time until the push finishes or `limitMs` passes. */
  run(limitMs = 60_000): void {
    while (this.core.result === null && this.now < limitMs) {
      const due = this.pending.filter((p) => p.at <= this.now);
      this.pending = this.pending.filter((p) => p.at > this.now);
      for (const p of due) this.apply(this.core.handle(p.answer, p.ip, 9000, this.now));
      this.apply(this.core.poll(this.now, this.budget));
      this.now++;
    }
  }
}

/** Every REQACK the sender sent, in order. */
export const reqacks = (sim: Sim) => sim.sent.flatMap((a) => (a.type === 'send' && a.message.op === 'reqack' ? [a.message] : []));

/** Bytes r holds, checking that every slice it got is whole. */
export function completeImage(sim: Sim, r: SimReceiver): number {
  let total = 0;
  for (const [slice, blocks] of r.got) {
    const bytes = r.bytes.get(slice)!;
    expect(blocks.size).toBe(Math.ceil(bytes / sim.opts.blockSize));
    total += bytes;
  }
  return total;
}
