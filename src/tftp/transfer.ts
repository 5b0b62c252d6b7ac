import { ackBlock, decode, encode, writeDataHeader } from '../wire/tftp/codec.js';
import { DATA_HEADER, type TftpOptions } from '../wire/tftp/packet.js';
import type { Clock } from './clock.js';
import { RtoEstimator } from '../net/rto.js';
import type { Source } from './source.js';

/**
 * `unconfirmed`: every block was acknowledged but the last, which was sent and resent with
 * no answer. RFC 1350 §6: the final ACK can be lost, and the client does not wait to
 * resend it; pxelinux starts the kernel the moment it has the initrd, and its last ACK
 * sometimes never leaves (seen in the QEMU e2e: the node reported up two seconds before
 * the transfer timed out). A client that lost the last DATA would have asked again. Only
 * a client heard from on this TID qualifies: a silent one-block transfer is a timeout.
 */
export type TransferOutcome = 'ok' | 'unconfirmed' | 'timeout' | 'error' | 'aborted';

export interface TransferResult {
  outcome: TransferOutcome;
  /** File bytes the client acknowledged. */
  bytes: number;
  /** Why it ended, for the log (client's ERROR message, read failure …). */
  reason?: string;
  /** `unconfirmed` only: how long ago the last block was first sent (when the client got the file). */
  lastBlockAgoMs?: number;
}

export interface TransferParams {
  source: Source;
  blksize: number;
  windowsize: number;
  /** Options to acknowledge; empty = no OACK, DATA 1 goes out at once (RFC 2347 §4). */
  oack: TftpOptions;
  clock: Clock;
  minTimeoutMs: number;
  initialTimeoutMs: number;
  maxTimeoutMs: number;
  /** Retransmissions without progress before giving up. */
  retries: number;
  /** Send one datagram to the client's TID. The buffer may be reused after the call. */
  send(packet: Buffer): void;
  /** A packet from the client's TID did not decode. */
  onMalformed(packet: Buffer): void;
  onDone(result: TransferResult): void;
}

/**
 * Read-ahead beyond the window, in bytes (at least one more window): the next blocks are
 * in memory when their ACK arrives, and the disk is read in large batches, not per block.
 */
const READ_AHEAD_BYTES = 128 * 1024;

/**
 * One read transfer, sender side: RFC 1350 lock-step, RFC 7440 windows, RFC 2347 OACK
 * then ACK 0. Blocks are counted as absolute numbers from 1; the wire carries them modulo
 * 65536, so block numbers roll over to 0 and files of any size go through.
 *
 * Rules (after dnsmasq tftp.c and RFC 7440 §4):
 * - an ACK of the block before the window (a duplicate) is ignored: no Sorcerer's
 *   Apprentice; only our own timeout resends;
 * - an ACK inside the window moves the window to the block after it and sends from
 *   there: a lost DATA or ACK rewinds to the last acknowledged block;
 * - a timeout resends the window from its first block and doubles the timeout, up to
 *   `retries` times; round trips of blocks sent once set the timeout (Karn).
 */
export class Transfer {
  private readonly rto: RtoEstimator;
  private readonly slots: Buffer[];
  private readonly lens: Int32Array;
  private phase: 'oack' | 'data' | 'done' = 'oack';
  private base = 1; // oldest unacknowledged block
  private next = 1; // next block to send
  private sentUpTo = 0; // highest block sent
  private filled = 0; // highest block read into the ring
  private last = -1; // the final (short) block, once read
  private heard = false; // the client ACKed something on this TID
  private lastSentAt = 0; // when the final block first went out
  private reading = false;
  private retriesLeft: number;
  private deadline = 0;
  private timer: unknown = undefined;
  private timerAt = 0;
  private sampleBlock = -1; // block whose ACK times a round trip (Karn: sent once)
  private sampleAt = 0;
  private bytes = 0;
  private result: TransferResult | undefined;
  private readonly oackPacket: Buffer | undefined;

  constructor(private readonly p: TransferParams) {
    this.rto = new RtoEstimator(p.minTimeoutMs, p.initialTimeoutMs, p.maxTimeoutMs);
    this.retriesLeft = p.retries;
    const extra = Math.max(p.windowsize, Math.floor(READ_AHEAD_BYTES / p.blksize));
    const ring = p.windowsize + extra;
    const slab = Buffer.allocUnsafeSlow(ring * (DATA_HEADER + p.blksize));
    this.slots = Array.from({ length: ring }, (_, i) =>
      slab.subarray(i * (DATA_HEADER + p.blksize), (i + 1) * (DATA_HEADER + p.blksize)),
    );
    this.lens = new Int32Array(ring);
    this.oackPacket = p.oack.length ? encode({ op: 'oack', options: p.oack }) : undefined;
  }

  get done(): boolean {
    return this.phase === 'done';
  }

  start(): void {
    if (this.oackPacket) {
      this.sampleBlock = 0;
      this.sampleAt = this.p.clock.now();
      this.p.send(this.oackPacket);
      this.arm();
      this.fill();
    } else {
      this.phase = 'data';
      this.fill();
    }
  }

  /** A datagram from the client's TID. */
  handle(packet: Buffer): void {
    if (this.phase === 'done') return;
    const block = ackBlock(packet);
    if (block >= 0) return this.onAck(block);
    let decoded;
    try {
      decoded = decode(packet);
    } catch {
      return this.p.onMalformed(packet);
    }
    // The client gave up (RFC 1350 §7; RFC 2347 error 8 refuses our OACK).
    if (decoded.op === 'error') this.finish('error', `client sent error ${decoded.code}: ${decoded.message}`);
    // Anything else on a read transfer's TID (a repeated RRQ, DATA) is ignored.
  }

  /** Stop now (server shutdown: 'aborted'; a socket failure: 'error'); no packet is sent. */
  abort(reason: string, outcome: 'aborted' | 'error' = 'aborted'): void {
    if (this.phase !== 'done') this.finish(outcome, reason);
  }

  private onAck(wire: number): void {
    this.heard = true;
    const now = this.p.clock.now();
    if (this.phase === 'oack') {
      if (wire !== 0) return;
      if (this.sampleBlock === 0) this.rto.sample(now - this.sampleAt);
      this.sampleBlock = -1;
      this.phase = 'data';
      this.retriesLeft = this.p.retries;
      return this.pump();
    }
    const acked = this.base - 1 + ((wire - ((this.base - 1) & 0xffff)) & 0xffff);
    if (acked === this.base - 1 || acked > this.sentUpTo) return; // duplicate or stray
    if (this.sampleBlock >= 0) {
      if (acked >= this.sampleBlock) this.rto.sample(now - this.sampleAt);
      if (acked >= this.sampleBlock || acked < this.sentUpTo) this.sampleBlock = -1;
    }
    this.bytes += (acked - this.base + 1) * this.p.blksize;
    if (acked === this.last) this.bytes -= this.p.blksize - this.lens[acked % this.slots.length]!;
    this.base = acked + 1;
    this.next = this.base; // RFC 7440 §4: resume after the last acknowledged block
    this.retriesLeft = this.p.retries;
    if (acked === this.last) return this.finish('ok');
    this.arm();
    this.pump();
  }

  /** Send what the window allows from the ring, then top the ring up. */
  private pump(): void {
    const end = Math.min(this.base + this.p.windowsize - 1, this.filled);
    if (this.next <= end) {
      const ring = this.slots.length;
      for (let k = this.next; k <= end; k++) {
        const slot = k % ring;
        this.p.send(this.slots[slot]!.subarray(0, DATA_HEADER + this.lens[slot]!));
      }
      if (end > this.sentUpTo) {
        if (end === this.last) this.lastSentAt = this.p.clock.now();
        if (this.sampleBlock < 0 && this.next > this.sentUpTo) {
          this.sampleBlock = end;
          this.sampleAt = this.p.clock.now();
        }
        this.sentUpTo = end;
      }
      this.next = end + 1;
      this.arm();
    }
    this.fill();
  }

  private fill(): void {
    if (this.reading || this.last >= 0 || this.phase === 'done') return;
    const first = this.filled + 1;
    const ring = this.slots.length;
    const count = this.base + ring - first;
    // Read when the window itself is not in memory yet, else only once half the ring is free.
    if (count <= 0 || (this.filled >= this.base + this.p.windowsize - 1 && count < ring / 2)) return;
    const buffers: Buffer[] = new Array<Buffer>(count);
    for (let i = 0; i < count; i++) buffers[i] = this.slots[(first + i) % ring]!.subarray(DATA_HEADER);
    this.reading = true;
    this.p.source.read(buffers).then(
      (n) => this.onRead(first, count, n),
      (e: unknown) => {
        this.reading = false;
        if (this.phase === 'done') this.complete();
        else this.finish('error', `read failed: ${(e as Error).message}`);
      },
    );
  }

  private onRead(first: number, count: number, n: number): void {
    this.reading = false;
    if (this.phase === 'done') return this.complete();
    const bs = this.p.blksize;
    const ring = this.slots.length;
    for (let i = 0; i < count; i++) {
      const k = first + i;
      const len = Math.max(0, Math.min(bs, n - i * bs));
      writeDataHeader(this.slots[k % ring]!, k & 0xffff);
      this.lens[k % ring] = len;
      this.filled = k;
      if (len < bs) {
        this.last = k;
        break;
      }
    }
    if (this.phase === 'data') this.pump();
  }

  /**
   * Push the deadline to now + RTO. The timer is lazy: it is re-set only when it would
   * fire too late (the RTO shrank), not on every ACK.
   */
  private arm(): void {
    const now = this.p.clock.now();
    this.deadline = now + this.rto.current;
    if (this.timer !== undefined && this.timerAt <= this.deadline) return;
    this.schedule(now, this.rto.current);
  }

  private schedule(now: number, ms: number): void {
    if (this.timer !== undefined) this.p.clock.cancelTimer(this.timer);
    this.timerAt = now + ms;
    this.timer = this.p.clock.setTimer(ms, () => this.onTimer());
  }

  private onTimer(): void {
    this.timer = undefined;
    if (this.phase === 'done') return;
    const now = this.p.clock.now();
    if (this.deadline > now) return this.schedule(now, this.deadline - now);
    if (this.phase === 'data' && this.base > this.filled) return this.arm(); // waiting for the disk, nothing in flight
    if (this.retriesLeft-- <= 0) {
      if (this.phase === 'data' && this.base === this.last && this.heard) {
        return this.finish('unconfirmed', `no ACK of the last block after ${this.p.retries} retransmissions`, now - this.lastSentAt);
      }
      return this.finish('timeout', `no ACK after ${this.p.retries} retransmissions`);
    }
    this.rto.backoff();
    this.sampleBlock = -1;
    if (this.phase === 'oack') {
      this.p.send(this.oackPacket!);
      return this.arm();
    }
    this.next = this.base;
    this.pump();
  }

  private finish(outcome: TransferOutcome, reason?: string, lastBlockAgoMs?: number): void {
    this.phase = 'done';
    if (this.timer !== undefined) this.p.clock.cancelTimer(this.timer);
    this.timer = undefined;
    this.result = { outcome, bytes: this.bytes, ...(reason === undefined ? {} : { reason }), ...(lastBlockAgoMs === undefined ? {} : { lastBlockAgoMs }) };
    if (!this.reading) this.complete();
  }

  /** Report the end only once no read is in flight, so the opener may close the file. */
  private complete(): void {
    this.p.source.close().catch(() => undefined);
    this.p.onDone(this.result!);
  }
}
