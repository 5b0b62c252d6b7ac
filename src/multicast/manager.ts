import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Config } from '../config.js';
import { holdCpuSlice, MAX_SLICE_US, MIN_SLICE_US, validSliceUs } from '../cpu-slice.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { isoNow } from '../store/db.js';
import { EventRepo } from '../store/events.js';
import { ImageRepo } from '../store/images.js';
import { PushRepo, type PushReceiverRecord, type PushRecord } from '../store/pushes.js';
import { defaultGroup, interfaceAddress, linkSpeed } from './net.js';
import { UdpcastSender } from './sender.js';
import type { Duplex, SenderEvent } from './sender-types.js';
import { recordPushEvent, type ReceiverBook } from './push-events.js';
import type { PushStoreOp } from './store-errors.js';
import { resolveTargets, type PushTarget } from './targets.js';

export interface PushOptions {
  portBase?: number;
  group?: string;
  ttl?: number;
  interface?: string;
  duplex?: Duplex;
  maxBitrate?: number | null;
  /** With one receiver, send to it unicast (default: multicast.pointToPoint). */
  pointToPoint?: boolean;
  /** Batch DATA with UDP segmentation offload when available (default: multicast.gso). */
  gso?: boolean;
  /** Time slice (µs) to ask the kernel for while the push runs; 0: its default (default: multicast.cpuSliceUs). */
  cpuSliceUs?: number;
  /** Adapt the rate to loss below maxBitrate (default: multicast.autoRate). */
  autoRate?: boolean;
  /** Start with this many once maxWait (seconds) passed; default: the whole target. */
  minReceivers?: number;
  maxWait?: number;
  /** Seconds after which a push with too few receivers fails; null = wait forever. */
  startTimeout?: number | null;
  dropAfter?: number;
  /** Who started it, for the history ("cli:root", "api:ops-token"). */
  by?: string;
  /** How the target was given, for the history (defaults to the target text). */
  targetLabel?: string;
}

export interface PushProgress extends PushRecord {
  receivers: PushReceiverRecord[];
  running: boolean;
}

export interface PushManagerDeps {
  db: Database;
  config: Config;
  log: Logger;
  metrics: Metrics;
  /** Wall clock for recorded times (ms since the epoch). */
  clock?: () => number;
}

interface Active extends ReceiverBook {
  sender: UdpcastSender;
  done: Promise<PushProgress>;
  flush: NodeJS.Timeout;
  /** Bookkeeping operations that already logged a failure at error level (then: debug). */
  failed: Set<PushStoreOp>;
  /** When the sender finished (the last receiver confirmed the end), before its sockets closed. */
  endedAt?: string;
  /** Gives back the push's time-slice request (see cpu-slice.ts). */
  releaseSlice: () => void;
}

/**
 * Runs multicast pushes: resolves targets and the image, runs one UdpcastSender per push on
 * its own port base, and records per-receiver progress, boot stages and history in SQLite.
 * Used by `rackboot push` and by the daemon's REST API.
 */
export class PushManager {
  private readonly active = new Map<number, Active>();
  private readonly pushes: PushRepo;
  private readonly events: EventRepo;
  private readonly clock: () => number;

  constructor(private readonly deps: PushManagerDeps) {
    this.pushes = new PushRepo(deps.db);
    this.events = new EventRepo(deps.db);
    this.clock = deps.clock ?? Date.now;
  }

  /** Start a push; resolves with its id once its sockets are bound (receivers may join). */
  async start(target: string | PushTarget[], image: string, o: PushOptions = {}): Promise<number> {
    const mc = this.deps.config.multicast;
    const targets = typeof target === 'string' ? resolveTargets(this.deps.db, target) : target;
    if (targets.length === 0) throw new ValidationError('a push needs at least one target', 'target');
    const img = this.resolveImage(image);
    const iface = interfaceAddress(o.interface ?? mc.interface ?? this.deps.config.interface);
    const portBase = this.portBase(o.portBase);
    const group = o.group ?? mc.group ?? defaultGroup(iface.ip);
    const duplex = o.duplex ?? mc.duplex;
    // Pace to the link by default: the speed the NIC reports (veths report 10 Gbit/s). Not
    // less: the interface's queue pushes back on the socket at line rate anyway, and 95%
    // cost 3–5% at one receiver (measured; see docs/multicast.md).
    const nicRate = linkSpeed(iface.name);
    const maxBitrate = o.maxBitrate !== undefined ? o.maxBitrate : mc.maxBitrate ?? (nicRate === null ? null : nicRate);
    const cpuSliceUs = o.cpuSliceUs ?? mc.cpuSliceUs;
    if (!validSliceUs(cpuSliceUs)) throw new ValidationError(`cpu slice ${cpuSliceUs} µs: give 0 (the kernel's default) or ${MIN_SLICE_US}..${MAX_SLICE_US}`, 'cpu-slice');
    const byIp = new Map(targets.map((t) => [t.ip, t]));
    const minReceivers = Math.min(targets.length, o.minReceivers ?? mc.start.minReceivers ?? (o.maxWait !== undefined ? 1 : targets.length));
    const startTimeout = o.startTimeout === undefined ? mc.start.timeout : o.startTimeout;
    const id = this.pushes.create(
      {
        image: img.label,
        path: img.path,
        size: img.size,
        sha256: img.sha256,
        target: o.targetLabel ?? (typeof target === 'string' ? target : targets.map((t) => t.hostname ?? t.ip).join(',')),
        startedBy: o.by ?? 'unknown',
        portBase,
        group,
        duplex,
        maxBitrate,
        createdAt: isoNow(this.clock),
      },
      targets,
    );
    const sender = new UdpcastSender(
      img.path,
      {
        imageSize: img.size,
        blockSize: mc.blockSize,
        group,
        duplex,
        maxBitrate,
        autoRate: o.autoRate ?? mc.autoRate,
        admit: (ip) => byIp.has(ip),
        expected: targets.length,
        minReceivers,
        maxWaitMs: (o.maxWait ?? mc.start.maxWait) * 1000,
        startTimeoutMs: startTimeout === null ? null : startTimeout * 1000,
        dropAfterMs: (o.dropAfter ?? mc.dropAfter) * 1000,
        helloIntervalMs: mc.helloInterval * 1000,
        settleMs: mc.settle * 1000,
        pointToPoint: o.pointToPoint ?? mc.pointToPoint,
        sliceBlocks: mc.sliceBlocks,
      },
      { ip: iface.ip, broadcast: iface.broadcast, portBase, ttl: o.ttl ?? mc.ttl, gso: o.gso ?? mc.gso },
      { log: this.deps.log.child({ push: id }), metrics: this.deps.metrics, onEvent: (e) => this.onEvent(id, e) },
    );
    const a: Active = {
      sender,
      targets: byIp,
      gauge: { joined: 0, done: 0, dropped: 0 },
      done: sender.done.then((r) => this.finished(id, r)),
      flush: setInterval(() => this.guarded(id, 'flush', () => this.flushProgress(id)), 1000),
      failed: new Set(),
      dropped: new Set(),
      releaseSlice: holdCpuSlice(cpuSliceUs, this.deps.log),
    };
    // finished() guards its own writes; this only keeps a surprise from becoming an
    // unhandled rejection (which exits Node, DHCP and TFTP with it). wait() still sees it.
    a.done.catch((e: unknown) => this.deps.log.error({ push: id, err: (e as Error).message }, 'push: cannot finish the push'));
    this.active.set(id, a);
    try {
      await sender.start();
    } catch (e) {
      this.active.delete(id);
      clearInterval(a.flush);
      a.releaseSlice();
      this.pushes.setState(id, 'failed', isoNow(this.clock), `cannot open the push: ${(e as Error).message}`);
      throw new ConflictError(`push ${id} on port base ${portBase}: ${(e as Error).message}`);
    }
    this.deps.log.info({ push: id, image: img.label, targets: targets.length, portBase, group }, 'push waiting for receivers');
    return id;
  }

  /** A running push of `image` still waiting for receivers whose targets include `ip`. */
  joinable(image: string, ip: string): { id: number; portBase: number } | undefined {
    for (const [id, a] of this.active) {
      if (!a.targets.has(ip)) continue;
      const p = this.pushes.get(id);
      if (p && p.image === image && p.state === 'waiting') return { id, portBase: p.portBase };
    }
    return undefined;
  }

  progress(id: number): PushProgress {
    const p = this.pushes.get(id);
    if (!p) throw new NotFoundError(`no push ${id}`);
    const a = this.active.get(id);
    const receivers = this.pushes.receivers(id);
    if (a) {
      const live = new Map(a.sender.core.progress().map((r) => [r.ip, r]));
      for (const r of receivers) r.bytesConfirmed = live.get(r.ip)?.confirmed ?? r.bytesConfirmed;
      p.bytesSent = a.sender.bytesSent;
    }
    return { ...p, receivers, running: a !== undefined };
  }

  /** Resolves when the push ends, with its final progress. */
  wait(id: number): Promise<PushProgress> {
    const a = this.active.get(id);
    return a ? a.done : Promise.resolve(this.progress(id));
  }

  cancel(id: number, reason = 'cancelled'): void {
    const a = this.active.get(id);
    if (!a) {
      if (!this.pushes.get(id)) throw new NotFoundError(`no push ${id}`);
      return;
    }
    this.guarded(id, 'cancel', () => this.pushes.setState(id, 'cancelled', isoNow(this.clock), reason));
    a.sender.cancel(reason);
  }

  /** Running pushes first, then history, newest first. */
  list(limit = 100): PushRecord[] {
    return this.pushes.list(limit).map((p) => ({ ...p, bytesSent: this.active.get(p.id)?.sender.bytesSent ?? p.bytesSent }));
  }

  async close(): Promise<void> {
    for (const id of this.active.keys()) this.cancel(id, 'rackboot is shutting down');
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
  }

  private resolveImage(image: string): { label: string; path: string; size: number; sha256: string | null } {
    const row = new ImageRepo(this.deps.db).byName(image);
    const path = row ? (isAbsolute(row.path) ? row.path : resolve(this.deps.config.imagesDir, row.path)) : resolve(image);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new NotFoundError(row ? `image ${image}: file ${path} is missing` : `no image named ${image} and no such file`);
    }
    return { label: image, path, size: statSync(path).size, sha256: row?.sha256 ?? null };
  }

  private portBase(wanted: number | undefined): number {
    const used = new Set([...this.active.keys()].map((id) => this.pushes.get(id)!.portBase));
    if (wanted !== undefined) {
      if (wanted % 2 !== 0) throw new ValidationError('must be even (receivers use P, the sender P+1)', 'port-base');
      if (used.has(wanted)) throw new ConflictError(`port base ${wanted} is used by a running push`);
      return wanted;
    }
    let p = this.deps.config.multicast.portBase;
    while (used.has(p)) p += 2;
    return p;
  }

  /**
   * Run SQLite bookkeeping of a push; a failure (disk full, SQLITE_BUSY, ...) is counted
   * and logged, never thrown: it runs in socket handlers and timers of the daemon.
   */
  private guarded(id: number, op: PushStoreOp, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.deps.metrics.pushStoreErrors.inc({ op });
      const failed = this.active.get(id)?.failed;
      const first = !failed?.has(op);
      failed?.add(op);
      const msg = `push ${id}: cannot record ${op} in the database: ${(e as Error).message}`;
      if (first) this.deps.log.error({ push: id, op, code: (e as { code?: string }).code }, msg);
      else this.deps.log.debug({ push: id, op }, msg);
    }
  }

  private onEvent(id: number, e: SenderEvent): void {
    const a = this.active.get(id);
    if (!a) return;
    if (e.kind === 'finished') return void (a.endedAt = isoNow(this.clock)); // recorded when the sender has closed (finished())
    const ctx = { pushes: this.pushes, events: this.events, metrics: this.deps.metrics, log: this.deps.log, clock: this.clock };
    this.guarded(id, e.kind, () => recordPushEvent(ctx, id, a, e));
  }

  private flushProgress(id: number): void {
    const a = this.active.get(id);
    if (!a) return;
    for (const r of a.sender.core.progress()) if (r.state === 'joined') this.pushes.upsertReceiver(id, r.ip, { bytesConfirmed: r.confirmed });
    this.pushes.setBytesSent(id, a.sender.bytesSent);
  }

  private finished(id: number, r: { ok: boolean; reason: string | null }): PushProgress {
    const a = this.active.get(id)!;
    clearInterval(a.flush);
    try {
      this.guarded(id, 'flush', () => this.flushProgress(id));
      this.guarded(id, 'finish', () => {
        const now = a.endedAt ?? isoNow(this.clock);
        this.pushes.markNeverJoined(id, now);
        const current = this.pushes.get(id)!;
        const done = this.pushes.receivers(id).filter((x) => x.state === 'done').length;
        if (current.state !== 'cancelled') this.pushes.setState(id, r.ok ? 'done' : 'failed', now, r.reason ?? `${done} of ${a.targets.size} targets received the image`);
      });
    } finally {
      for (const s of ['joined', 'done', 'dropped'] as const) this.deps.metrics.pushReceivers.dec({ state: s }, a.gauge[s]);
      a.releaseSlice();
      this.active.delete(id);
    }
    this.deps.log.info({ push: id, ok: r.ok, reason: r.reason }, 'push finished');
    return this.progress(id);
  }
}
