import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { encode } from '../wire/tftp/codec.js';
import { TftpErrorCode } from '../wire/tftp/packet.js';
import type { Clock } from './clock.js';
import type { TftpConfig } from './config.js';
import type { Negotiated } from './options.js';
import type { Body } from './request.js';
import { BufferSource, FileSource, NetasciiSource, type Source } from './source.js';
import type { BusyPoll } from './busy-poll.js';
import { Transfer, type TransferResult } from './transfer.js';

const UNKNOWN_TID = encode({ op: 'error', code: TftpErrorCode.UNKNOWN_TID, message: 'Unknown transfer ID' });

function udpSocket(address: string, reuseAddr: boolean): Socket {
  // Addresses are always literal IPs: answer the lookup at once, so a send is not deferred
  // to the next tick through dns.lookup (the default).
  const family = isIPv6(address) ? 6 : 4;
  return createSocket({
    type: family === 6 ? 'udp6' : 'udp4',
    reuseAddr,
    lookup: (host: string, _opts: unknown, cb: (err: Error | null, address: string, family: number) => void) => cb(null, host, family),
  });
}

function bound(socket: Socket, address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address, port }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

/** Bind a fresh UDP socket on the server's address and an ephemeral port: a new TID (RFC 1350 §4). */
export function bindTidSocket(address: string): Promise<Socket> {
  return bound(udpSocket(address, false), address, 0);
}

/**
 * A transfer's TID as two sockets on one port (SO_REUSEADDR): `data` is connected to the
 * client, so the kernel hands it only the client's packets and its sends skip the route
 * lookup (as tftpd-hpa's connected socket does); `stray` receives every other packet sent
 * to the port, which gets ERROR 5.
 */
async function bindTransferSockets(address: string, client: { address: string; port: number }): Promise<{ data: Socket; stray: Socket }> {
  const stray = await bound(udpSocket(address, true), address, 0);
  try {
    const data = await bound(udpSocket(address, true), address, stray.address().port);
    await new Promise<void>((resolve, reject) => {
      data.once('error', reject);
      data.connect(client.port, client.address, () => {
        data.off('error', reject);
        resolve();
      });
    });
    return { data, stray };
  } catch (e) {
    stray.close();
    throw e;
  }
}

/** Send one ERROR from a new TID, then close it (a refused request never gets a transfer). */
export async function sendError(address: string, to: RemoteInfo, code: number, message: string): Promise<void> {
  const socket = await bindTidSocket(address);
  await new Promise<void>((resolve) => {
    socket.send(encode({ op: 'error', code, message }), to.port, to.address, () => resolve());
  });
  socket.close();
}

/** Everything a transfer needs, as plain data (it crosses to a worker thread). */
export interface TransferJob {
  client: { address: string; port: number };
  body: Body;
  netascii: boolean;
  negotiated: Negotiated;
}

export function sourceFor(body: Body, netascii: boolean): Source {
  const raw = body.kind === 'file' ? new FileSource(body.fd, body.size) : new BufferSource(body.bytes);
  return netascii ? new NetasciiSource(raw) : raw;
}

export interface SessionHooks {
  onUnknownTid(from: { address: string; port: number }): void;
  onMalformed(packet: Buffer): void;
  onDone(result: TransferResult): void;
}

/**
 * One transfer on its own port: packets from the client's TID drive the Transfer;
 * packets from any other address or port get ERROR 5 and the transfer carries on
 * (RFC 1350 §4).
 */
export async function startSession(config: TftpConfig, job: TransferJob, clock: Clock, hooks: SessionHooks, busyPoll?: BusyPoll): Promise<Transfer> {
  const { client, negotiated } = job;
  const { data, stray } = await bindTransferSockets(config.address, client);
  if (busyPoll) busyPoll.active++;
  const transfer = new Transfer({
    source: sourceFor(job.body, job.netascii),
    blksize: negotiated.blksize,
    windowsize: negotiated.windowsize,
    oack: negotiated.oack,
    clock,
    minTimeoutMs: config.minTimeoutMs,
    initialTimeoutMs: negotiated.timeoutMs ?? config.initialTimeoutMs,
    maxTimeoutMs: Math.max(config.maxTimeoutMs, negotiated.timeoutMs ?? 0),
    retries: config.retries,
    send: (packet) => {
      data.send(packet);
      busyPoll?.sent();
    },
    onMalformed: (packet) => hooks.onMalformed(packet),
    onDone: (result) => {
      if (busyPoll) busyPoll.active--;
      data.close();
      stray.close();
      hooks.onDone(result);
    },
  });
  data.on('message', (msg) => {
    busyPoll?.received();
    transfer.handle(msg);
  });
  stray.on('message', (_msg, from) => {
    hooks.onUnknownTid({ address: from.address, port: from.port });
    stray.send(UNKNOWN_TID, from.port, from.address);
  });
  // A connected socket reports ICMP port unreachable as ECONNREFUSED: the client is gone.
  data.on('error', (e) => transfer.abort(`socket error: ${e.message}`, 'error'));
  stray.on('error', () => undefined);
  transfer.start();
  return transfer;
}
