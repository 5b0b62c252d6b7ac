import type { Socket } from 'node:dgram';
import { EAGAIN, loadUdpAddon, socketFd, type UdpAddon } from '../net/udp-native.js';

/**
 * Datagrams per system call. 40 × (16 + 1456) bytes stays under 64 KiB, a UDP datagram's
 * limit, and under a 64 kB tbf burst, which would otherwise cut the batch up again.
 */
export const GSO_SEGMENTS = 40;
/** EIO (no checksum offload on the route's device), EINVAL, EMSGSIZE, ENOPROTOOPT, EOPNOTSUPP. */
const REFUSALS = new Set([5, 22, 90, 92, 95]);

export type GsoResult =
  /** Every block was handed to the kernel (from = blocks.length). */
  | { kind: 'sent'; from: number }
  /** The socket buffer is full: blocks[from] and later were not sent. */
  | { kind: 'full'; from: number }
  /** The kernel refused segmentation (errno): blocks[from] and later were not sent. */
  | { kind: 'refused'; from: number; errno: number }
  /** Another error (errno), not about segmentation: blocks[from] and later were not sent. */
  | { kind: 'failed'; from: number; errno: number };

/**
 * Sends DATA blocks of one slice in batches of up to GSO_SEGMENTS datagrams per system call;
 * the kernel (or the NIC) cuts each batch into the same datagrams a send per block gives.
 * The socket must be connected (DATA goes to one destination).
 */
export class GsoSender {
  private readonly segments: number;

  private constructor(
    private readonly addon: UdpAddon,
    private readonly fd: number,
  ) {
    this.segments = Math.min(GSO_SEGMENTS, addon.maxSegments);
  }

  /** A GsoSender for `socket`, or null when the addon or the fd is unavailable. */
  static for(socket: Socket): GsoSender | null {
    const a = loadUdpAddon();
    const fd = socketFd(socket);
    return a && fd !== null ? new GsoSender(a, fd) : null;
  }

  /**
   * Sends blocks[from..]. `headers` holds every block's header (headerSize bytes each, by
   * block number), `data` the slice's payload; only a slice's last block may be shorter
   * than blockSize, so a batch ends after it.
   */
  send(headers: Buffer, headerSize: number, data: Buffer, blockSize: number, blocks: Int32Array, from = 0): GsoResult {
    const short = Math.floor(data.length / blockSize); // the short block's number, if any
    while (from < blocks.length) {
      let count = 1;
      while (count < this.segments && from + count < blocks.length && blocks[from + count - 1] !== short) count++;
      let n: number;
      try {
        n = this.addon.sendBlocks(this.fd, headers, headerSize, data, blockSize, blocks, from, count);
      } catch {
        return { kind: 'refused', from, errno: 22 }; // the helper rejected its arguments: never retry it
      }
      if (n === -EAGAIN) return { kind: 'full', from };
      if (n < 0) return REFUSALS.has(-n) ? { kind: 'refused', from, errno: -n } : { kind: 'failed', from, errno: -n };
      from += count;
    }
    return { kind: 'sent', from };
  }
}
