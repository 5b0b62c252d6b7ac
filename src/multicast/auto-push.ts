import type { Logger } from '../log.js';
import type { PushManager } from './manager.js';
import type { PushTarget } from './targets.js';

/** How a node gets its image: join push `portBase`, or fetch it over HTTP. */
export type ImageRoute = { method: 'multicast'; portBase: number; push: number } | { method: 'http'; reason: string };

export interface AutoPushSettings {
  enabled: boolean;
  /** Nodes of one image that must ask within maxWait for a push to be started for them. */
  minReceivers: number;
  /** Seconds the first node's request is held while others of the same image ask. */
  maxWait: number;
}

/** Nodes (row ids) seen booting `image` that have not asked for it yet may still come. */
export type BootingNodes = (image: string) => number[];

/** What the coordinator needs from the push manager. */
export interface PushStarter {
  /** A push of `image` that is still waiting for receivers and admits `ip`: its id and port base. */
  joinable(image: string, ip: string): { id: number; portBase: number } | undefined;
  /** Start a push of `image` to exactly these receivers; resolves once its sockets are bound. */
  startFor(image: string, targets: PushTarget[]): Promise<{ id: number; portBase: number }>;
}

/**
 * The push manager as AutoPush uses it. A push it starts begins once all of its nodes
 * joined, or after `joinWait` seconds with those that did; it fails a minute later with none.
 */
export function pushStarter(manager: PushManager, joinWait: number): PushStarter {
  return {
    joinable: (image, ip) => manager.joinable(image, ip),
    async startFor(image, targets) {
      const opts = { minReceivers: 1, maxWait: joinWait, startTimeout: joinWait + 60, by: 'auto', targetLabel: targets.map((t) => t.hostname ?? t.ip).join(',') };
      const id = await manager.start(targets, image, opts);
      return { id, portBase: manager.progress(id).portBase };
    },
  };
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface Batch {
  targets: Map<string, PushTarget>;
  waiters: ((r: ImageRoute) => void)[];
  timer: unknown;
  closed: boolean;
}

/**
 * Gathers the nodes that boot one image at about the same time into one multicast push
 * (`multicast.autoPush`), so a rack of 100 nodes costs one transfer instead of 100. The
 * first node's request opens a window of maxWait seconds; every node of the same image that
 * asks within it is answered when the window closes: all join one push when at least
 * minReceivers came, else all fetch over HTTP. The window closes early when every node the
 * inventory saw booting that image (DHCP, TFTP stages in the last maxWait×6 seconds) has
 * asked, so a node booting alone is answered at once. A node whose address a waiting push (started
 * by an admin) already targets joins that push at once; one that asks while a push of its
 * image is already sending goes to HTTP (udpcast has no late join), so a node that reboots
 * alone never waits for a rack.
 */
export class AutoPush {
  private readonly batches = new Map<string, Batch>();

  constructor(
    private readonly settings: AutoPushSettings,
    private readonly pushes: PushStarter,
    private readonly log: Logger,
    /** When given, the window closes early once every node seen booting the image has asked. */
    private readonly booting?: BootingNodes,
    private readonly timers: Timers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
  ) {}

  route(image: string, node: PushTarget): Promise<ImageRoute> {
    const waiting = this.pushes.joinable(image, node.ip);
    if (waiting) return Promise.resolve({ method: 'multicast', portBase: waiting.portBase, push: waiting.id });
    if (!this.settings.enabled) return Promise.resolve({ method: 'http', reason: 'multicast.autoPush is off' });
    let batch = this.batches.get(image);
    if (!batch) {
      const fresh: Batch = { targets: new Map(), waiters: [], timer: undefined, closed: false };
      fresh.timer = this.timers.setTimeout(() => void this.closeBatch(image, fresh), this.settings.maxWait * 1000);
      this.batches.set(image, fresh);
      batch = fresh;
    }
    batch.targets.set(node.ip, node);
    const answer = new Promise<ImageRoute>((resolve) => batch.waiters.push(resolve));
    if (this.everyoneAsked(image, batch)) {
      this.timers.clearTimeout(batch.timer);
      void this.closeBatch(image, batch);
    }
    return answer;
  }

  /**
   * A rack powered on together need not wait the whole window once all of it has asked, and
   * a node booting alone need not wait at all: it goes to HTTP at once.
   */
  private everyoneAsked(image: string, b: Batch): boolean {
    // Machines not in the inventory are invisible to `booting`: with one asking, the window runs its course.
    if (!this.booting || [...b.targets.values()].some((t) => t.nodeId === null)) return false;
    const asked = new Set([...b.targets.values()].map((t) => t.nodeId));
    return this.booting(image).every((id) => asked.has(id));
  }

  /** Answer every node still held (rackboot is stopping or reloading): they fetch over HTTP. */
  close(): void {
    for (const [image, b] of this.batches) {
      this.timers.clearTimeout(b.timer);
      b.closed = true;
      this.answer(b, { method: 'http', reason: 'rackboot is stopping' });
      this.batches.delete(image);
    }
  }

  private async closeBatch(image: string, b: Batch): Promise<void> {
    if (b.closed) return;
    b.closed = true;
    if (this.batches.get(image) === b) this.batches.delete(image);
    const n = b.targets.size;
    if (n < this.settings.minReceivers) {
      return this.answer(b, { method: 'http', reason: `${n} node(s) asked for ${image} together; a push needs ${this.settings.minReceivers}` });
    }
    try {
      const p = await this.pushes.startFor(image, [...b.targets.values()]);
      this.log.info({ push: p.id, image, receivers: n }, `auto push ${p.id}: ${image} to the ${n} nodes that asked for it together`);
      this.answer(b, { method: 'multicast', portBase: p.portBase, push: p.id });
    } catch (e) {
      this.log.warn({ image, err: (e as Error).message }, `auto push of ${image} could not start; ${n} node(s) fetch it over HTTP`);
      this.answer(b, { method: 'http', reason: `the push could not start: ${(e as Error).message}` });
    }
  }

  private answer(b: Batch, r: ImageRoute): void {
    for (const w of b.waiters.splice(0)) w(r);
  }
}
