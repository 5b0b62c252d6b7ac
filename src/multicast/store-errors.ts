import { Counter } from 'prom-client';
import type { Metrics } from '../metrics.js';

export type PushStoreOp = 'joined' | 'refused' | 'started' | 'receiver-done' | 'dropped' | 'flush' | 'finish' | 'cancel';

const NAME = 'rackboot_push_store_errors_total';

/**
 * rackboot_push_store_errors_total{op}: push bookkeeping writes to SQLite that failed (disk
 * full, SQLITE_BUSY, ...). The push goes on; its history may lag. Registered on the
 * subsystem's registry on first use (src/metrics.ts is not owned by the multicast code).
 */
export function pushStoreErrors(metrics: Metrics): Counter<'op'> {
  const existing = metrics.registry.getSingleMetric(NAME);
  if (existing) return existing as Counter<'op'>;
  return new Counter({
    name: NAME,
    help: 'Multicast push bookkeeping writes to SQLite that failed, by operation (the push goes on)',
    labelNames: ['op'] as const,
    registers: [metrics.registry],
  });
}
