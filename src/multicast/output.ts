import { createHash, type Hash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RackbootError } from '../errors.js';

/** Why `rackboot receive` failed: the CLI prints the message and exits non-zero. */
export class ReceiveError extends RackbootError {
  constructor(
    readonly reason: 'timeout' | 'refused' | 'checksum' | 'aborted' | 'io',
    message: string,
  ) {
    super('io', message);
  }
}

/**
 * Where received bytes go: a regular file is written to a temporary name in the same
 * folder and renamed over the target only after the sha256 checked out; a block or
 * character device is written in place (it cannot be renamed).
 */
export class Output {
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  private readonly temp: string | null;
  bytes = 0;

  constructor(readonly path: string) {
    let device = false;
    try {
      const st = statSync(path);
      device = st.isBlockDevice() || st.isCharacterDevice();
    } catch {
      // a new file
    }
    this.temp = device ? null : join(dirname(path), `.${basename(path)}.rackboot-${process.pid}.part`);
    try {
      this.fd = openSync(this.temp ?? path, device ? 'r+' : 'w', 0o644);
    } catch (e) {
      throw new ReceiveError('io', `cannot open ${this.temp ?? path}: ${(e as Error).message}`);
    }
  }

  /** Throws ReceiveError('io') when the write fails (ENOSPC, EIO, ...). */
  write(data: Buffer): void {
    let at = 0;
    try {
      while (at < data.length) at += writeSync(this.fd, data, at, data.length - at);
    } catch (e) {
      throw new ReceiveError('io', `cannot write ${this.temp ?? this.path} at byte ${this.bytes + at}: ${(e as Error).message}`);
    }
    this.hash.update(data);
    this.bytes += data.length;
  }

  /** fsync, check the sha256 if one was given, and rename into place. Returns the digest. */
  commit(expectedSha256: string | null): string {
    const digest = this.hash.digest('hex');
    fsyncSync(this.fd);
    closeSync(this.fd);
    if (expectedSha256 !== null && digest !== expectedSha256.toLowerCase()) {
      if (this.temp) unlinkSync(this.temp);
      throw new ReceiveError('checksum', `sha256 mismatch: received ${digest}, expected ${expectedSha256.toLowerCase()}${this.temp ? `; ${this.path} left untouched` : ''}`);
    }
    if (this.temp) renameSync(this.temp, this.path);
    return digest;
  }

  discard(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    if (this.temp) {
      try {
        unlinkSync(this.temp);
      } catch {
        // never created
      }
    }
  }
}
