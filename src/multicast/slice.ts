import { bitIsSet, newBitmap } from '../wire/udpcast/index.js';

/**
 * One slice of the image in flight: its blocks, the blocks still to (re)send, and the
 * REQACK round bookkeeping. Receivers are told the slice is done when its REQACK ready set
 * holds every live receiver's client number.
 */
export class Slice {
  /** Next block of the first pass over the slice. */
  nextBlock = 0;
  /** Blocks some receiver reported missing in the current round, to resend. */
  readonly resend = new Set<number>();
  round = 0;
  /** When the REQACK of the current round went out; null while data is still going out. */
  reqackAt: number | null = null;
  /** Client numbers that OKed the slice (the REQACK ready set). */
  readonly readySet = newBitmap();
  readonly ready = new Set<number>();
  /** When each round's REQACK went out, to time answers to earlier rounds too. */
  readonly sentAt = new Map<number, number>();
  /**
   * The place of each of its REQACKs (the probe's too) in the order the sender sent all
   * REQACKs, by round: a receiver answers them in that order.
   */
  readonly asked = new Map<number, number>();
  /** Clients that answered the current round (OK or RETRANSMIT). */
  readonly answered = new Set<number>();
  loaded: boolean;
  /** Blocks sent again after a RETRANSMIT (distinct receivers' requests merged). */
  resent = 0;
  /** Clock reading when the slice's first DATA (or its REQACK, if empty) went out. */
  openedAt = 0;
  /** Its DATA may go out: it is inside the window (a slice read ahead is not, yet). */
  sending = false;
  /** Clients that answered any REQACK of this slice, the probe included: they hold the slice. */
  readonly seen = new Set<number>();
  /** The full-duplex probe (a REQACK sent with the first DATA) went out. */
  probed = false;
  /** A round of this slice ended by timeout: its answers no longer time rounds (Karn). */
  timedOut = false;

  constructor(
    readonly index: number,
    readonly offset: number,
    readonly bytes: number,
    readonly blockSize: number,
  ) {
    this.loaded = bytes === 0;
  }

  get blocks(): number {
    return Math.ceil(this.bytes / this.blockSize);
  }

  /** Payload length of block n (only the last block of a slice may be short). */
  blockLength(n: number): number {
    return Math.min(this.blockSize, this.bytes - n * this.blockSize);
  }

  get firstPassDone(): boolean {
    return this.nextBlock >= this.blocks;
  }

  /** Record a RETRANSMIT's map of RECEIVED blocks: every clear bit below `blocks` is resent. */
  noteMissing(received: Uint8Array): number {
    let missing = 0;
    for (let b = 0; b < this.blocks; b++) {
      if (!bitIsSet(received, b)) {
        this.resend.add(b);
        missing++;
      }
    }
    return missing;
  }

  /** Start the next REQACK round: answers are collected afresh. */
  nextRound(): void {
    this.round++;
    this.answered.clear();
    this.reqackAt = null;
  }
}
