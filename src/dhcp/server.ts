import type { RemoteInfo } from 'node:dgram';
import type { Database } from 'better-sqlite3';
import type { BootBackend } from '../boot/backend.js';
import { ConfigError, DecodeError } from '../errors.js';
import { hexDump, type Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { LeaseRepo } from '../store/leases.js';
import { BOOTREQUEST, DEFAULT_MAX_LEN, Opt, messageTypeName } from '../wire/dhcp/codes.js';
import { decodePacket, encodePacket, type DhcpPacket } from '../wire/dhcp/packet.js';
import { read } from '../wire/dhcp/accessors.js';
import { describeClient } from './client.js';
import type { DhcpConfig } from './config.js';
import { runChain, type Exchange, type Handler, type HandlerEnv } from './exchange.js';
import { fullChain } from './handlers.js';
import { DiscoveryThrottle } from './discovery-throttle.js';
import { LeaseBook } from './leases.js';
import { leaseWriterFor } from './lease-writer.js';
import { openPort, type PacketHandler, type PortSockets } from './listener.js';
import { proxyChain } from './proxy.js';
import { routeReply } from './route.js';
import { buildSubnets } from './subnets.js';
import { CommitPacer, type CommitDelay } from './commit-pacer.js';

export interface DhcpServerOptions {
  config: DhcpConfig;
  db: Database;
  backend: BootBackend;
  /** Our address on the provisioning interface: server identifier, next-server, broadcast source. */
  serverAddress: string;
  ipxeScriptUrl: (mac: string) => string;
  logger: Logger;
  metrics: Metrics;
  clock?: () => number;
}

export interface DhcpServer {
  close(): Promise<void>;
}

/** RFC 2132 §9.10 option 57 counts the whole IP datagram; we never go above an Ethernet MTU. */
function maxReplyLength(req: DhcpPacket): number {
  let m: number | undefined;
  try {
    m = read.u16(req, Opt.MAX_MESSAGE_SIZE);
  } catch {
    m = undefined;
  }
  return m === undefined ? DEFAULT_MAX_LEN : Math.max(DEFAULT_MAX_LEN, Math.min(m, 1500) - 28);
}

/** Open the sockets for `config.mode` (full: 67; proxy: 67 and 4011) and serve until closed. */
export async function startDhcpServer(opts: DhcpServerOptions): Promise<DhcpServer> {
  const { config, logger, metrics, backend } = opts;
  const clock = opts.clock ?? Date.now;
  if (config.mode === 'off') return { close: async () => {} };
  const subnets = buildSubnets(config.subnets);
  if (config.mode === 'full' && subnets.length === 0) throw new ConfigError('mode full needs at least one subnet', 'dhcp.subnets');
  const repo = new LeaseRepo(opts.db);
  const book = new LeaseBook(repo, {
    clock,
    offerHoldMs: config.offerHoldSeconds * 1000,
    declineHoldMs: config.declineHoldSeconds * 1000,
    reservedForOther: (ip, mac) => {
      const n = backend.nodeByFixedIp(ip);
      return n !== undefined && n.mac !== mac;
    },
  });
  const env: HandlerEnv = { config, subnets, book, backend, discovery: new DiscoveryThrottle({ clock }), serverAddress: opts.serverAddress, ipxeScriptUrl: opts.ipxeScriptUrl, logger, nodeByMac: (mac) => backend.nodeByMac(mac) };
  const debug = logger.isLevelEnabled('debug');

  // ACKs wait for their lease to be committed, through the writer's own connection (see
  // lease-writer.ts): at once when requests come one at a time, grouped when they come fast
  // (see commit-pacer.ts).
  const writer = leaseWriterFor(opts.db.name, repo);
  let waiting: Array<() => void> = [];
  // Which kind of handle matters: clearImmediate() given a Timeout corrupts Node's queue of
  // immediates (every later setImmediate in the process can stall).
  let flushTimer: { kind: 'immediate'; h: NodeJS.Immediate } | { kind: 'timeout'; h: NodeJS.Timeout } | undefined;
  const flush = (): Promise<void> => {
    flushTimer = undefined;
    const sends = waiting;
    waiting = [];
    const rows = book.takePending();
    // ACKs per commit (not rows: a sweep or a release writes rows that no client waits for).
    if (sends.length > 0) pacer.committed(sends.length);
    if (rows.length === 0) {
      for (const s of sends) s();
      return Promise.resolve();
    }
    return writer.write(rows).then(
      () => {
        for (const s of sends) s();
      },
      (e: unknown) => {
        metrics.countDhcp('request', 'lease_write_failed', sends.length);
        logger.error({ err: e }, `dhcp: could not commit ${rows.length} lease(s); ${sends.length} ACK(s) withheld`);
      },
    );
  };
  const pacer = new CommitPacer({ fixedMs: config.flushMilliseconds });
  const soon: CommitDelay = config.flushMilliseconds > 0 ? config.flushMilliseconds : 'immediate';
  const scheduleFlush = (delay: CommitDelay = soon): void => {
    if (flushTimer) return;
    flushTimer = delay === 'immediate' ? { kind: 'immediate', h: setImmediate(flush) } : { kind: 'timeout', h: setTimeout(flush, delay) };
  };

  const send = (port: PortSockets, buf: Uint8Array, to: { address: string; port: number }): void => port.send(buf, to.port, to.address);
  const onSendError = (e: Error & { address?: string; port?: number }): void => {
    metrics.countDhcp('reply', 'send_error');
    logger.warn({ err: e.message, to: { address: e.address, port: e.port } }, 'dhcp: could not send reply');
  };

  let closing = false;
  const handle = (port: PortSockets, chain: Handler[], bootServerPort: boolean) => (buf: Buffer, from: RemoteInfo): void => {
    if (closing) return;
    let type = 'unknown';
    try {
      const packet = decodePacket(buf);
      if (packet.op !== BOOTREQUEST) {
        metrics.countDhcp('bootreply', 'ignored');
        return;
      }
      const client = describeClient(packet);
      type = messageTypeName(client.type);
      if (client.type === undefined) {
        metrics.countDhcp('bootp', 'ignored');
        logger.debug({ from: from.address }, 'dhcp: BOOTP request without option 53, not for us');
        return;
      }
      const x: Exchange = { req: { packet, client, source: { address: from.address, port: from.port }, bootServerPort }, reply: packet, outcome: 'ignored', durable: false };
      const reply = runChain(chain, x, env);
      metrics.countDhcp(type, x.outcome);
      if (!reply) {
        if (debug) logger.debug({ mac: client.mac, type, outcome: x.outcome }, 'dhcp: no reply');
        return;
      }
      const to = routeReply(packet, reply, { source: x.req.source, bootServerPort, serverPort: config.serverPort, clientPort: config.clientPort });
      const bytes = encodePacket(reply, { maxLength: maxReplyLength(packet) });
      if (debug) logger.debug({ mac: client.mac, type, outcome: x.outcome, yiaddr: reply.yiaddr, to }, 'dhcp: reply');
      if (x.durable) {
        waiting.push(() => send(port, bytes, to));
        scheduleFlush(pacer.arrival(performance.now() * 1000));
      } else {
        if (book.dirty) scheduleFlush();
        send(port, bytes, to);
      }
    } catch (e) {
      if (e instanceof DecodeError) {
        metrics.malformed.inc({ protocol: 'dhcp' });
        metrics.countDhcp(type, 'malformed');
        logger.warn({ from: from.address, reason: e.message, packet: hexDump(buf) }, 'dhcp: malformed packet dropped');
      } else {
        metrics.countDhcp(type, 'error');
        logger.error({ err: e, from: from.address }, 'dhcp: internal error handling a packet; dropped');
      }
    }
  };

  const ports: PortSockets[] = [];
  const onError = (e: Error): void => logger.error({ err: e }, 'dhcp: socket error');
  const open = async (port: number, chain: Handler[], bootServerPort: boolean): Promise<void> => {
    let handler: PacketHandler = () => {};
    const sockets = await openPort({ listenAddress: config.listenAddress, serverAddress: opts.serverAddress, port, onMessage: (b, f) => handler(b, f), onError, onSendError });
    handler = handle(sockets, chain, bootServerPort);
    ports.push(sockets);
  };
  try {
    if (config.mode === 'full') await open(config.serverPort, fullChain, false);
    else {
      await open(config.serverPort, proxyChain, false);
      await open(config.proxyPort, proxyChain, true);
    }
  } catch (e) {
    await Promise.all(ports.map((p) => p.close()));
    throw e;
  }

  const updateGauge = (): void => {
    for (const s of subnets) {
      const u = book.usage(s);
      metrics.dhcpLeases.set({ subnet: s.name, state: 'in_use' }, u.bound + u.offered);
      metrics.dhcpLeases.set({ subnet: s.name, state: 'declined' }, u.declined);
      metrics.dhcpLeases.set({ subnet: s.name, state: 'free' }, u.free);
    }
  };
  const sweeper = setInterval(() => {
    book.sweep();
    scheduleFlush();
    updateGauge();
  }, 30_000);
  sweeper.unref();
  updateGauge();
  logger.info({ mode: config.mode, serverAddress: opts.serverAddress, subnets: subnets.map((s) => s.name), port: config.serverPort }, 'dhcp: serving');

  return {
    close: async () => {
      clearInterval(sweeper);
      if (flushTimer?.kind === 'immediate') clearImmediate(flushTimer.h);
      else if (flushTimer?.kind === 'timeout') clearTimeout(flushTimer.h);
      // Take no new packet, commit what is queued and send the ACKs that waited for it, then close.
      closing = true;
      await flush();
      await Promise.all(ports.map((p) => p.close()));
      await writer.close();
    },
  };
}
