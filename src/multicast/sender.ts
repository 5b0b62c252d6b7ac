import type { Socket } from 'node:dgram';
import { DecodeError } from '../errors.js';
import { hexDump, type Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { DATA_HEADER, decode, encode, encodeDataHeader, type ReceiverMessage } from '../wire/udpcast/index.js';
import { ImageReader } from './image-reader.js';
import { SenderCore } from './sender-core.js';
import type { Destination, SenderAction, SenderEvent, SenderOptions } from './sender-types.js';
import { DataPath } from './data-path.js';
import { GsoSender } from './udp-gso.js';
import { bindSocket } from './net.js';

export interface SenderNet {
  /** The interface address: the sender's one socket binds ip:portBase+1. */
  ip: string;
  broadcast: string;
  portBase: number;
  ttl: number;
  /** Batch DATA with UDP segmentation offload when native/udp_gso.node is built (see udp-gso.ts). */
  gso: boolean;
}

export interface SenderDeps {
  log: Logger;
  metrics: Metrics;
  clock?: () => number;
  onEvent?: (e: SenderEvent) => void;
}

/** Sends queued in Node (the kernel's socket buffer is full) above which the driver waits for it to drain. */
const HIGH_WATER = 128;
const LOW_WATER = 32;

/**
 * Runs a SenderCore over real sockets: one socket bound to interface-IP:P+1 sends
 * everything (receivers drop other sources), a receive-only socket on broadcast:P+1 catches
 * the receivers' broadcast CONNECT_REQ (a socket bound to a unicast IP does not see them).
 */
export class UdpcastSender {
  readonly core: SenderCore;
  private main!: Socket;
  private bcast: Socket | null = null;
  /**
   * Bound to the same ip:P+1 and connected, at the start, to group:P (or to the only
   * receiver), so DATA skips the per-send address lookup.
   */
  private data!: Socket;
  /** DATA and REQACKs, in order, once the data socket is connected. */
  private dataPath: DataPath | null = null;
  private reader!: ImageReader;
  private readonly slices = new Map<number, { data: Buffer; headers: Buffer }>();
  /** DATA payload bytes sent, retransmissions included. */
  bytesSent = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Datagrams the kernel has not taken yet (queued in libuv because the socket buffer is full). */
  private get outstanding(): number {
    // Closed sockets have no handle left to ask (getSendQueueCount would throw).
    return this.closed ? 0 : this.main.getSendQueueCount() + (this.dataPath?.outstanding ?? 0);
  }
  private immediate = false;
  private closed = false;
  private resolveDone!: (r: { ok: boolean; reason: string | null }) => void;
  readonly done: Promise<{ ok: boolean; reason: string | null }>;
  private readonly clock: () => number;

  constructor(
    private readonly imagePath: string,
    private readonly opts: SenderOptions,
    private readonly net: SenderNet,
    private readonly deps: SenderDeps,
  ) {
    this.clock = deps.clock ?? (() => performance.now());
    this.core = new SenderCore(opts, this.clock());
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  async start(): Promise<void> {
    try {
      await this.open();
    } catch (e) {
      // A port taken, an address gone: nothing stays bound or open behind a failed start.
      this.closed = true;
      await this.release();
      throw e;
    }
    this.tick();
  }

  private async open(): Promise<void> {
    const bs = this.opts.blockSize;
    this.reader = await ImageReader.open(this.imagePath, this.opts.sliceBlocks.max * bs, this.opts.sliceBlocks.start * bs);
    this.main = await bindSocket(this.net.ip, this.net.portBase + 1, true);
    this.main.setBroadcast(true);
    this.main.setMulticastTTL(this.net.ttl);
    this.main.setMulticastInterface(this.net.ip);
    this.main.setMulticastLoopback(false);
    this.data = await bindSocket(this.net.ip, this.net.portBase + 1, true);
    // Both sockets share ip:P+1 (SO_REUSEADDR); the kernel may hand a receiver's datagram
    // to either, so both listen.
    this.data.on('message', (m, rinfo) => this.onMessage(m, rinfo.address, rinfo.port));
    this.data.on('error', (e) => this.onSocketError(e, 'data'));
    this.data.setMulticastTTL(this.net.ttl);
    this.data.setMulticastInterface(this.net.ip);
    this.data.setMulticastLoopback(false);
    // The default send buffer is kept on purpose: datagrams waiting in the interface's
    // queue count against it, so a full link pushes back on the sender (the socket stops
    // taking datagrams) before a shaper or switch queue drops them.
    try {
      this.main.setRecvBufferSize(1024 * 1024);
    } catch {
      // capped by net.core.rmem_max
    }
    this.main.on('message', (m, rinfo) => this.onMessage(m, rinfo.address, rinfo.port));
    this.main.on('error', (e) => this.onSocketError(e, 'main'));
    if (this.net.broadcast !== this.net.ip) {
      this.bcast = await bindSocket(this.net.broadcast, this.net.portBase + 1);
      this.bcast.on('message', (m, rinfo) => this.onMessage(m, rinfo.address, rinfo.port));
      this.bcast.on('error', (e) => this.onSocketError(e, 'broadcast'));
    }
  }

  /** Cancel: receivers will time out; the result says why. */
  cancel(reason: string): void {
    this.perform(this.core.abort(reason));
  }

  private onMessage(buf: Buffer, ip: string, port: number): void {
    let msg: ReceiverMessage;
    try {
      const m = decode(buf);
      if (!['ok', 'retransmit', 'go', 'connect-req', 'disconnect'].includes(m.op)) return; // another sender's traffic
      msg = m as ReceiverMessage;
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.deps.metrics.malformed.inc({ protocol: 'udpcast' });
      this.deps.log.warn({ from: `${ip}:${port}`, hex: hexDump(buf) }, `udpcast: malformed datagram: ${e.message}`);
      return;
    }
    if (port !== this.net.portBase) {
      this.deps.log.debug({ from: `${ip}:${port}` }, 'udpcast: not from the receiver port, dropped');
      return;
    }
    this.perform(this.core.handle(msg, ip, port, this.clock()));
    this.schedule(true);
  }

  /**
   * A socket reported an error while receiving (an unhandled one would end the process, and
   * the daemon's DHCP and TFTP with it). The data socket is connected to the one receiver of
   * a point-to-point push: ECONNREFUSED there is its host's ICMP port unreachable, so that
   * receiver has exited and is dropped now. Anything else is logged; the push goes on.
   */
  private onSocketError(e: NodeJS.ErrnoException, socket: 'main' | 'data' | 'broadcast'): void {
    if (this.closed) return;
    const to = this.core.dataTo;
    if (socket === 'data' && e.code === 'ECONNREFUSED' && to !== 'group') {
      this.perform(this.core.unreachable(to.ip, 'port unreachable: the receiver has exited'));
      return this.schedule(true);
    }
    this.deps.log.warn({ err: e.message, socket }, 'udpcast: socket error');
  }

  private tick = (): void => {
    this.timer = null;
    this.immediate = false;
    if (this.closed) return;
    if (this.core.started && !this.dataPath) return; // connect() pending; its callback reschedules
    this.perform(this.core.poll(this.clock(), Math.max(0, HIGH_WATER - this.outstanding)));
    this.schedule(false);
  };

  private schedule(soon: boolean): void {
    if (this.closed || this.immediate) return;
    if (soon || (this.core.wantsToSend && this.outstanding < LOW_WATER)) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.immediate = true;
      setImmediate(this.tick);
      return;
    }
    if (this.core.wantsToSend) return; // a send callback reschedules below LOW_WATER
    const wait = this.core.nextWakeup(this.clock()) - this.clock();
    if (!Number.isFinite(wait)) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(this.tick, Math.max(0, Math.ceil(wait)));
  }

  private perform(actions: SenderAction[]): void {
    for (const a of actions) {
      switch (a.type) {
        case 'send':
          // REQACKs go to the data destination behind the slice's DATA, never ahead of it.
          if (a.to === this.core.dataTo && this.dataPath) this.dataPath.message(encode(a.message));
          else this.sendTo(a.to, encode(a.message));
          break;
        case 'load':
          this.reader.load(a.slice, a.offset, a.bytes).then(
            (data) => {
              this.slices.set(a.slice, { data, headers: dataHeaders(a.slice, data.length, this.opts.blockSize) });
              this.core.loaded(a.slice);
              this.schedule(true);
            },
            (e: Error) => this.perform(this.core.abort(`cannot read the image: ${e.message}`)),
          );
          break;
        case 'blocks':
          this.sendBlocks(a.slice, a.blocks);
          break;
        case 'release':
          this.slices.delete(a.slice);
          this.reader.release(a.slice);
          break;
        case 'event':
          if (a.event.kind === 'started') this.connectData();
          this.deps.onEvent?.(a.event);
          if (a.event.kind === 'finished') void this.close(a.event);
          break;
      }
    }
  }

  private sendTo(to: Destination, bytes: Buffer | Buffer[]): void {
    const [ip, port] =
      to === 'rendezvous' ? [this.net.broadcast, this.net.portBase]
      : to === 'group' ? [this.opts.group, this.net.portBase]
      : [to.ip, to.port];
    this.main.send(bytes as Buffer[], port, ip, (err) => {
      if (this.closed) return; // cancelled by close(): nothing left to schedule
      if (err) this.deps.log.debug({ err: err.message, to: ip }, 'udpcast: send failed');
      if (this.core.wantsToSend && this.outstanding < LOW_WATER) this.schedule(true);
    });
  }

  private connectData(): void {
    const to = this.core.dataTo;
    const [ip, port] = to === 'group' ? [this.opts.group, this.net.portBase] : [to.ip, to.port];
    this.data.connect(port, ip, () => {
      if (this.closed) return;
      const gso = this.net.gso ? GsoSender.for(this.data) : null;
      if (this.net.gso && !gso) this.deps.log.warn('udpcast: UDP GSO is on but native/udp_gso.node is not built (see docs/multicast.md): one system call per datagram');
      this.dataPath = new DataPath(this.data, gso, this.onRoom, this.deps.log);
      this.deps.log.debug({ gso: gso !== null }, 'udpcast: data socket connected');
      this.schedule(true);
    });
  }

  private readonly onRoom = (): void => {
    if (this.core.wantsToSend && this.outstanding < LOW_WATER) this.schedule(true);
  };

  private sendBlocks(index: number, blocks: number[]): void {
    const slice = this.slices.get(index);
    if (!slice || !this.dataPath) return;
    const bs = this.opts.blockSize;
    this.dataPath.blocks(slice.headers, DATA_HEADER, slice.data, bs, blocks);
    let bytes = 0;
    for (const b of blocks) bytes += Math.min(bs, slice.data.length - b * bs);
    this.deps.metrics.pushBytes.inc(bytes);
    this.bytesSent += bytes;
  }

  private async close(e: Extract<SenderEvent, { kind: 'finished' }>): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    // let queued datagrams (the last REQACKs) leave before the socket closes
    await new Promise((r) => setTimeout(r, 20));
    await this.release();
    this.resolveDone({ ok: e.ok, reason: e.reason });
  }

  /** Closes what is open (once: `closed` guards both callers): the sockets bound so far and the image. */
  private async release(): Promise<void> {
    this.dataPath?.close();
    for (const s of [this.main, this.data, this.bcast]) s?.close();
    await this.reader?.close().catch(() => undefined);
  }
}

/** Every DATA header of a slice in one buffer: one allocation a slice instead of one a packet. */
function dataHeaders(slice: number, bytes: number, blockSize: number): Buffer {
  const blocks = Math.ceil(bytes / blockSize);
  const out = Buffer.allocUnsafe(blocks * DATA_HEADER);
  for (let b = 0; b < blocks; b++) encodeDataHeader(slice, b, bytes).copy(out, b * DATA_HEADER);
  return out;
}
