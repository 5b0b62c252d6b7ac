import type { BootStage } from '../inventory/types.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { isoNow } from '../store/db.js';
import type { EventRepo } from '../store/events.js';
import type { PushRepo } from '../store/pushes.js';
import type { SenderEvent } from './sender-types.js';
import type { PushTarget } from './targets.js';

export interface PushEventContext {
  pushes: PushRepo;
  events: EventRepo;
  metrics: Metrics;
  log: Logger;
  clock: () => number;
}

/** What a running push knows about its receivers, as the recorder updates it. */
export interface ReceiverBook {
  targets: Map<string, PushTarget>;
  gauge: Record<'joined' | 'done' | 'dropped', number>;
  /** Receivers dropped so far: one that rejoins (DISCONNECT while waiting) leaves the dropped gauge. */
  dropped: Set<string>;
}

/**
 * Record one sender event: per-receiver rows of the push history, the node's boot stage
 * (push-joined, push-done, push-dropped) and the receivers gauge. May throw on a database
 * error; the manager runs it guarded.
 */
export function recordPushEvent(ctx: PushEventContext, id: number, book: ReceiverBook, e: SenderEvent): void {
  const now = isoNow(ctx.clock);
  const gauge = (state: 'joined' | 'done' | 'dropped', d: number): void => {
    book.gauge[state] += d;
    ctx.metrics.pushReceivers.inc({ state }, d);
  };
  const stage = (ip: string, s: BootStage, detail: string): void => {
    const nodeId = book.targets.get(ip)?.nodeId;
    if (nodeId != null) ctx.events.record(nodeId, s, now, detail);
  };
  switch (e.kind) {
    case 'joined': {
      const rejoined = book.dropped.delete(e.receiver.ip);
      const clear = rejoined ? { bytesConfirmed: 0, finishedAt: null, detail: null } : {};
      ctx.pushes.upsertReceiver(id, e.receiver.ip, { state: 'joined', client: e.receiver.client, joinedAt: now, ...clear });
      stage(e.receiver.ip, 'push-joined', `push ${id}`);
      if (rejoined) gauge('dropped', -1);
      gauge('joined', 1);
      break;
    }
    case 'refused':
      if (book.targets.has(e.ip)) ctx.pushes.upsertReceiver(id, e.ip, { detail: `refused: ${e.reason}` });
      else ctx.pushes.upsertReceiver(id, e.ip, { state: 'refused', detail: e.reason, finishedAt: now });
      ctx.log.warn({ push: id, ip: e.ip, reason: e.reason }, 'receiver refused');
      break;
    case 'started': {
      ctx.pushes.setState(id, 'running', now);
      const never = ctx.pushes.markNeverJoined(id, now);
      if (never.length > 0) ctx.log.warn({ push: id, neverJoined: never }, 'push started without these targets');
      break;
    }
    case 'receiver-done':
      ctx.pushes.upsertReceiver(id, e.receiver.ip, { state: 'done', bytesConfirmed: e.receiver.confirmed, finishedAt: now });
      stage(e.receiver.ip, 'push-done', `push ${id}`);
      gauge('joined', -1);
      gauge('done', 1);
      break;
    case 'dropped':
      book.dropped.add(e.receiver.ip);
      ctx.pushes.upsertReceiver(id, e.receiver.ip, { state: 'dropped', bytesConfirmed: e.receiver.confirmed, finishedAt: now, detail: e.receiver.reason });
      stage(e.receiver.ip, 'push-dropped', `push ${id}: ${e.receiver.reason}`);
      gauge('joined', -1);
      gauge('dropped', 1);
      ctx.log.warn({ push: id, ip: e.receiver.ip, reason: e.receiver.reason }, 'receiver dropped');
      break;
    case 'finished':
      break; // recorded when the sender has closed (the manager's finished())
  }
}
