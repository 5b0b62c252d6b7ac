import type { Socket } from 'node:dgram';
import { constants } from 'node:os';
import { loadNativeAddon } from '../native-addon.js';

/** native/udp_gso.c, built by native/build.sh at npm install; optional (callers fall back to Node's send). */
export interface UdpAddon {
  sendTo(fd: number, data: Uint8Array, address: string, port: number): number;
  sendBlocks(fd: number, headers: Buffer, headerSize: number, data: Buffer, blockSize: number, blocks: Int32Array, start: number, count: number): number;
  maxSegments: number;
}

export const EAGAIN = constants.errno.EAGAIN;

/** The addon, or null when native/build.sh could not build it (no compiler or headers). */
export function loadUdpAddon(): UdpAddon | null {
  return loadNativeAddon<UdpAddon>('udp_gso');
}

/**
 * The file descriptor of a bound dgram socket. Node has no public accessor; its socket
 * keeps the libuv handle under a symbol described as "state symbol" (the public `_handle`
 * getter prints a deprecation warning). Null if that ever changes: the caller falls back.
 */
export function socketFd(s: Socket): number | null {
  const sym = Object.getOwnPropertySymbols(s).find((x) => x.description === 'state symbol');
  const fd = sym ? (s as unknown as Record<symbol, { handle?: { fd?: unknown } }>)[sym]?.handle?.fd : undefined;
  return typeof fd === 'number' && fd >= 0 ? fd : null;
}

/**
 * One datagram per call, straight to sendto(2): Node's send() builds a request object, runs
 * an address-lookup callback and queues a nextTick for every datagram, about a third of what
 * a DHCP reply costs the daemon. Returns false when the socket buffer is full (the caller
 * then hands the datagram to Node, which waits for room); throws nothing but reports other
 * errors through the returned errno.
 */
export class DirectSend {
  private constructor(
    private readonly addon: UdpAddon,
    private readonly fd: number,
  ) {}

  /** A DirectSend for `socket`, or null when the addon or the fd is unavailable. */
  static for(socket: Socket): DirectSend | null {
    const a = loadUdpAddon();
    const fd = socketFd(socket);
    return a && fd !== null ? new DirectSend(a, fd) : null;
  }

  /** Bytes sent, or -errno (-EAGAIN: no room in the socket buffer). */
  send(data: Uint8Array, port: number, address: string): number {
    return this.addon.sendTo(this.fd, data, address, port);
  }
}
