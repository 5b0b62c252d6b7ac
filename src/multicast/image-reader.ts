import { open, type FileHandle } from 'node:fs/promises';

/** Buffers: two slices in flight and one read ahead. */
const POOL = 3;

interface ReadAhead {
  offset: number;
  buf: Buffer;
  /** Bytes read from `offset` (short only at the end of the image). */
  read: Promise<number>;
}

/**
 * Reads slices of the image on demand into a small pool of buffers, so the sender's memory
 * stays flat (a few slices of at most 1024 blocks) whatever the image size.
 *
 * Each load also starts reading the bytes that follow it (up to a whole slice), so the next
 * slice is usually in memory when the sender opens it: a read through the thread pool takes
 * longer than the socket buffer holds at 1 Gbit/s (about 1.7 ms), and the link would idle.
 * The first slice is read, and the pool's pages mapped, when the reader opens (before the
 * sender's sockets, so about 2 ms before its first HELLO): cold, the first two reads of a
 * push took 2.4–2.6 ms each and the link waited.
 */
export class ImageReader {
  private readonly free: Buffer[] = [];
  private readonly inUse = new Map<number, Buffer>();
  private ahead: ReadAhead | null = null;
  private closed = false;

  private constructor(
    private readonly fh: FileHandle,
    private readonly maxSliceBytes: number,
  ) {}

  /** Opens the image and reads its first `firstBytes` (the first slice) into memory. */
  static async open(path: string, maxSliceBytes: number, firstBytes = 0): Promise<ImageReader> {
    const fh = await open(path, 'r');
    try {
      const r = new ImageReader(fh, maxSliceBytes);
      // Written once, so their pages are mapped now rather than during the push's first reads
      // (Buffer.alloc's calloc gets fresh, untouched pages for buffers this large).
      for (let i = 0; i < POOL; i++) r.free.push(Buffer.allocUnsafeSlow(maxSliceBytes).fill(0));
      if (firstBytes > 0) {
        r.readAhead(0, Math.min(maxSliceBytes, firstBytes));
        await r.ahead!.read.catch(() => undefined); // a failed read is read again (and reported) by load()
      }
      return r;
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  async load(slice: number, offset: number, bytes: number): Promise<Buffer> {
    const ahead = this.ahead;
    this.ahead = null;
    let buf: Buffer | null = null;
    if (ahead) {
      const got = await ahead.read.catch(() => -1);
      if (ahead.offset === offset && got >= bytes) buf = ahead.buf;
      else this.recycle(ahead.buf);
    }
    if (!buf) {
      buf = this.take();
      await this.fill(buf, offset, bytes, slice);
    }
    this.inUse.set(slice, buf);
    // A slice grows by at most 1.25× (and a block), so that much covers the next one.
    this.readAhead(offset + bytes, Math.min(this.maxSliceBytes, Math.ceil(bytes * 1.25) + 2048));
    return buf.subarray(0, bytes);
  }

  release(slice: number): void {
    const buf = this.inUse.get(slice);
    if (!buf) return;
    this.inUse.delete(slice);
    this.recycle(buf);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.ahead?.read.catch(() => undefined);
    this.ahead = null;
    await this.fh.close();
  }

  private readAhead(offset: number, bytes: number): void {
    if (this.closed) return;
    const buf = this.take();
    const read = this.readInto(buf, offset, bytes); // short only at the end of the image
    read.catch(() => undefined); // a failed read-ahead only means load() reads again
    this.ahead = { offset, buf, read };
  }

  private async fill(buf: Buffer, offset: number, bytes: number, slice: number): Promise<void> {
    const done = await this.readInto(buf, offset, bytes);
    if (done < bytes) throw new Error(`image shrank while being sent (slice ${slice} at offset ${offset + done})`);
  }

  /** Read up to `bytes` from `offset` into buf; fewer only at the end of the file. */
  private async readInto(buf: Buffer, offset: number, bytes: number): Promise<number> {
    let done = 0;
    while (done < bytes) {
      const { bytesRead } = await this.fh.read(buf, done, bytes - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }

  private take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(this.maxSliceBytes);
  }

  private recycle(buf: Buffer): void {
    if (this.free.length < POOL) this.free.push(buf);
  }
}
