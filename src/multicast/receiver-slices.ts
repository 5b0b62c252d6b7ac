import { MAX_BLOCK_SIZE, bitIsSet, bitSet, newBitmap } from '../wire/udpcast/index.js';

/** A slice being received: its bytes, and which blocks arrived (LSB-first, as on the wire). */
export class IncomingSlice {
  readonly received = newBitmap();
  count = 0;
  readonly data: Buffer;
  constructor(
    readonly index: number,
    readonly bytes: number,
    readonly blockSize: number,
  ) {
    this.data = Buffer.allocUnsafe(bytes);
  }
  get blocks(): number {
    return Math.ceil(this.bytes / this.blockSize);
  }
  get complete(): boolean {
    return this.count >= this.blocks;
  }
  /** Store block n; returns false when it is a duplicate or does not fit the slice. */
  put(block: number, payload: Uint8Array): boolean {
    if (block >= this.blocks || bitIsSet(this.received, block)) return false;
    const at = block * this.blockSize;
    const expected = Math.min(this.blockSize, this.bytes - at);
    if (payload.length !== expected) return false;
    this.data.set(payload, at);
    bitSet(this.received, block);
    this.count++;
    return true;
  }
}

/**
 * The receiver's window of slices: created on their first DATA or REQACK, written out in
 * order. A slice more than `ahead` past the next one to write is refused (the stock
 * receiver aborts at 2; the sender keeps at most 2 in flight).
 */
export class SliceWindow {
  private readonly slices = new Map<number, IncomingSlice>();
  next = 0;
  constructor(
    readonly blockSize: number,
    readonly ahead = 4,
  ) {
    // slices of up to 1024 blocks are allocated from it: never size them from an unchecked packet
    if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
      throw new RangeError(`block size ${blockSize} is outside 1..${MAX_BLOCK_SIZE}`);
    }
  }

  get(index: number, bytes: number): IncomingSlice | null {
    if (index < this.next || index >= this.next + this.ahead) return null;
    let s = this.slices.get(index);
    if (!s) {
      if (bytes > this.blockSize * 1024) return null;
      s = new IncomingSlice(index, bytes, this.blockSize);
      this.slices.set(index, s);
    }
    return s.bytes === bytes ? s : null;
  }

  /** Complete slices ready to write, in order; the window moves past them. */
  *drain(): Generator<IncomingSlice> {
    for (let s = this.slices.get(this.next); s?.complete; s = this.slices.get(this.next)) {
      this.slices.delete(this.next);
      this.next++;
      yield s;
    }
  }
}
