import { readv } from 'node:fs';
import { NetasciiEncoder } from '../wire/tftp/netascii.js';

/**
 * Where a transfer's bytes come from. Reads are sequential (the transfer keeps its own
 * window of unacknowledged blocks), so a source never needs to seek back. `read` fills
 * every buffer completely unless the end of the data comes first, and returns the total
 * number of bytes written.
 */
export interface Source {
  /** Byte count as sent (tsize), or undefined when unknown up front. */
  readonly size: number | undefined;
  read(buffers: Buffer[]): Promise<number>;
  close(): Promise<void>;
}

/**
 * A file on disk, streamed with readv into the transfer's buffers: never read whole.
 * Reads an fd number (so a worker thread can read a file the listener opened and checked);
 * the opener keeps the FileHandle and closes it when the transfer ends.
 */
export class FileSource implements Source {
  private position = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  async read(buffers: Buffer[]): Promise<number> {
    let total = 0;
    let pending = buffers;
    for (;;) {
      const n = await readvAt(this.fd, pending, this.position);
      this.position += n;
      total += n;
      if (n === 0) return total;
      pending = skip(pending, n);
      if (pending.length === 0) return total;
    }
  }

  async close(): Promise<void> {}
}

function readvAt(fd: number, buffers: Buffer[], position: number): Promise<number> {
  return new Promise((resolve, reject) => readv(fd, buffers, position, (err, n) => (err ? reject(err) : resolve(n))));
}

/** The buffers left to fill after `n` bytes went into the first ones. */
function skip(buffers: Buffer[], n: number): Buffer[] {
  let i = 0;
  while (i < buffers.length && n >= buffers[i]!.length) n -= buffers[i++]!.length;
  if (i === buffers.length) return [];
  const rest = buffers.slice(i);
  rest[0] = rest[0]!.subarray(n);
  return rest;
}

/** Bytes already in memory (rendered pxelinux.cfg files). */
export class BufferSource implements Source {
  private position = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get size(): number {
    return this.bytes.length;
  }

  async read(buffers: Buffer[]): Promise<number> {
    let total = 0;
    for (const b of buffers) {
      const n = Math.min(b.length, this.bytes.length - this.position);
      b.set(this.bytes.subarray(this.position, this.position + n));
      this.position += n;
      total += n;
      if (n < b.length) break;
    }
    return total;
  }

  async close(): Promise<void> {}
}

/** Netascii view of another source (RFC 1350 mode "netascii"); size unknown up front. */
export class NetasciiSource implements Source {
  readonly size = undefined;
  private readonly encoder = new NetasciiEncoder();
  private readonly raw = Buffer.allocUnsafe(16384);
  private rawStart = 0;
  private rawEnd = 0;
  private eof = false;

  constructor(private readonly inner: Source) {}

  async read(buffers: Buffer[]): Promise<number> {
    let total = 0;
    for (const b of buffers) {
      let w = 0;
      while (w < b.length) {
        if (this.rawStart === this.rawEnd && !this.eof) {
          this.rawEnd = await this.inner.read([this.raw]);
          this.rawStart = 0;
          this.eof = this.rawEnd < this.raw.length;
        }
        const { consumed, written } = this.encoder.convert(this.raw.subarray(this.rawStart, this.rawEnd), b.subarray(w));
        this.rawStart += consumed;
        w += written;
        if (written === 0 && this.rawStart === this.rawEnd && this.eof && !this.encoder.hasPending) break;
      }
      total += w;
      if (w < b.length) break;
    }
    return total;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
