import { createSocket, type RemoteInfo } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { availableParallelism } from 'node:os';
import type { BootBackend } from '../boot/backend.js';
import { hexDump, type Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { decode } from '../wire/tftp/codec.js';
import { TftpErrorCode, type RequestPacket, type TftpPacket } from '../wire/tftp/packet.js';
import { systemClock, type Clock } from './clock.js';
import type { TftpConfig } from './config.js';
import type { Mount } from './mounts.js';
import { negotiate } from './options.js';
import { refuse, type Refusal } from './paths.js';
import { openRequest } from './request.js';
import { WorkerPool } from './pool.js';
import { LocalRunner, type TransferRunner } from './runner.js';
import { sendError, type TransferJob } from './session.js';
import { recordBootStage } from './stage.js';

export { defaultMounts, type Mount } from './mounts.js';

export interface TftpServerOptions {
  config: TftpConfig;
  mounts: Mount[];
  backend?: BootBackend;
  logger: Logger;
  metrics: Metrics;
  clock?: Clock;
}

export interface TftpServer {
  address: string;
  port: number;
  /** Number of transfers running (or being opened). */
  readonly active: number;
  close(): Promise<void>;
}

/**
 * The TFTP listener: read requests on `config.port` start a transfer on a new socket;
 * write requests get ERROR 2; anything undecodable is dropped and counted. Caps on
 * transfers (total, per client address) drop the request silently so the client's own
 * retry can get in later.
 */
export async function startTftpServer(opts: TftpServerOptions): Promise<TftpServer> {
  const { config, mounts, backend, metrics } = opts;
  const log = opts.logger.child({ subsystem: 'tftp' });
  const clock = opts.clock ?? systemClock;
  const transfers = new Set<string>(); // client address:port of running transfers
  const workers = config.workers === 'auto' ? Math.min(4, availableParallelism()) : config.workers;
  let runner: TransferRunner = new LocalRunner(config, clock); // replaced by the pool once bound
  const perClient = new Map<string, number>();
  const socket = createSocket({ type: isIPv6(config.address) ? 'udp6' : 'udp4' });
  let closed = false;

  const release = (key: string, ip: string): void => {
    transfers.delete(key);
    const n = (perClient.get(ip) ?? 1) - 1;
    if (n > 0) perClient.set(ip, n);
    else perClient.delete(ip);
  };

  const answerRefusal = (r: Refusal, client: RemoteInfo, filename: string): void => {
    metrics.tftpErrors.inc({ kind: r.kind });
    metrics.tftpTransfers.inc({ outcome: 'refused' });
    const line = { client: client.address, file: filename, code: r.code, reason: r.reason };
    if (r.kind === 'access' || r.kind === 'illegal') log.warn(line, 'refused');
    else log.info(line, 'refused');
    sendError(config.address, client, r.code, r.message).catch((e: unknown) =>
      log.warn({ err: e, client: client.address }, 'cannot send ERROR'),
    );
  };

  async function onRequest(req: RequestPacket, client: RemoteInfo): Promise<void> {
    const key = `${client.address}:${client.port}`;
    if (transfers.has(key)) return; // a retransmitted RRQ: the running transfer answers it
    const mine = perClient.get(client.address) ?? 0;
    if (transfers.size >= config.maxTransfers || mine >= config.maxTransfersPerClient) {
      metrics.tftpTransfers.inc({ outcome: 'refused' });
      metrics.tftpErrors.inc({ kind: 'busy' });
      log.debug({ client: client.address, file: req.filename, active: transfers.size, mine }, 'too many transfers, dropped');
      return;
    }
    transfers.add(key);
    perClient.set(client.address, mine + 1);
    const started = clock.now();
    let opened;
    try {
      opened = await openRequest(req, client.address, mounts, backend);
    } catch (e) {
      opened = refuse(TftpErrorCode.NOT_DEFINED, 'io', 'Cannot read file', (e as Error).message);
    }
    if ('code' in opened) {
      release(key, client.address);
      return answerRefusal(opened, client, req.filename);
    }
    const { path, body, netascii, handle } = opened;
    if (closed) {
      release(key, client.address);
      return void (await handle?.close());
    }
    const size = netascii ? undefined : body.kind === 'file' ? body.size : body.bytes.length;
    const job: TransferJob = {
      client: { address: client.address, port: client.port },
      body,
      netascii,
      negotiated: negotiate(req.options, config, size),
    };
    runner.start(job, {
      onUnknownTid: (from) => {
        metrics.tftpErrors.inc({ kind: 'unknown_tid' });
        log.debug({ from: `${from.address}:${from.port}`, path }, 'packet from unknown TID');
      },
      onMalformed: (packet) => {
        metrics.malformed.inc({ protocol: 'tftp' });
        metrics.tftpErrors.inc({ kind: 'malformed' });
        log.warn({ client: client.address, packet: hexDump(packet) }, 'malformed packet dropped');
      },
      onDone: (result) => {
        release(key, client.address);
        handle?.close().catch(() => undefined);
        const seconds = (clock.now() - started) / 1000;
        metrics.tftpTransfers.inc({ outcome: result.outcome });
        metrics.tftpBytes.inc(result.bytes);
        if (result.outcome === 'unconfirmed') {
          // Everything but the final ACK: the client has the file (see TransferOutcome).
          log.info({ client: client.address, path, bytes: result.bytes, reason: result.reason }, 'sent, final ACK missing');
          // Recorded as of when the last block went out: later stages (the OS's lease, its
          // report) may already be in.
          if (backend) recordBootStage(backend, client.address, path, log, metrics, result.lastBlockAgoMs ?? 0);
          return;
        }
        if (result.outcome !== 'ok') {
          metrics.tftpErrors.inc({ kind: result.outcome });
          log.info({ client: client.address, path, bytes: result.bytes, reason: result.reason }, `transfer ${result.outcome}`);
          return;
        }
        metrics.tftpDuration.observe(seconds);
        log.info({ client: client.address, path, bytes: result.bytes, seconds }, 'sent');
        if (backend) recordBootStage(backend, client.address, path, log, metrics);
      },
    });
  }

  socket.on('message', (msg, client) => {
    let packet: TftpPacket;
    try {
      packet = decode(msg);
    } catch (e) {
      metrics.malformed.inc({ protocol: 'tftp' });
      metrics.tftpErrors.inc({ kind: 'malformed' });
      log.warn({ client: client.address, packet: hexDump(msg), err: (e as Error).message }, 'malformed request dropped');
      // A broken RRQ/WRQ (e.g. a NUL inside the file name shifts the fields) gets ERROR 4 so the
      // client stops waiting; anything else is dropped without an answer.
      if (msg.length >= 2 && msg[0] === 0 && (msg[1] === 1 || msg[1] === 2))
        sendError(config.address, client, TftpErrorCode.ILLEGAL_OPERATION, 'Malformed request').catch(() => undefined);
      return;
    }
    if (packet.op === 'rrq') {
      onRequest(packet, client).catch((e: unknown) => log.error({ err: e }, 'request handler failed'));
    } else if (packet.op === 'wrq') {
      const r = refuse(TftpErrorCode.ACCESS_VIOLATION, 'access', 'Access violation: rackboot does not accept writes', 'write request');
      answerRefusal(r, client, packet.filename);
    } else {
      log.debug({ client: client.address, op: packet.op }, 'not a request, dropped');
    }
  });
  socket.on('error', (e) => log.error({ err: e }, 'listener socket error'));

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: config.address, port: config.port }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  if (workers > 0) runner = new WorkerPool(config, workers, log);
  const bound = socket.address();
  log.info({ address: bound.address, port: bound.port, mounts, workers }, 'TFTP listening');

  return {
    address: bound.address,
    port: bound.port,
    get active() {
      return transfers.size;
    },
    async close() {
      closed = true;
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      await runner.close();
    },
  };
}
