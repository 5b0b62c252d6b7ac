import { open, type FileHandle } from 'node:fs/promises';

/**
 * Reads slices of the image on demand into a small pool of buffers, so the sender's memory
 * stays flat (a few slices of at most 1024 blocks) whatever the image size.
 */
export class ImageReader {
  private readonly free: Buffer[] = [];
  private readonly inUse = new Map<number, Buffer>();

  private constructor(
    private readonly fh: FileHandle,
    private readonly maxSliceBytes: number,
  ) {}

  static async open(path: string, maxSliceBytes: number): Promise<ImageReader> {
    return new ImageReader(await open(path, 'r'), maxSliceBytes);
  }

  async load(slice: number, offset: number, bytes: number): Promise<Buffer> {
    const buf = this.free.pop() ?? Buffer.allocUnsafe(this.maxSliceBytes);
    let done = 0;
    while (done < bytes) {
      const { bytesRead } = await this.fh.read(buf, done, bytes - done, offset + done);
      if (bytesRead === 0) throw new Error(`image shrank while being sent (slice ${slice} at offset ${offset + done})`);
      done += bytesRead;
    }
    const view = buf.subarray(0, bytes);
    this.inUse.set(slice, buf);
    return view;
  }

  release(slice: number): void {
    const buf = this.inUse.get(slice);
    if (!buf) return;
    this.inUse.delete(slice);
    if (this.free.length < 3) this.free.push(buf);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
