import { Counter, Gauge, type Registry } from 'prom-client';
import type { NodeOverlays } from './service.js';

/**
 * Overlay cache hits and misses, read from the cache when /metrics is scraped (the request
 * path only bumps plain numbers). A boot storm should show one miss per node, then hits.
 */
export function registerOverlayMetrics(registry: Registry, overlays: NodeOverlays): void {
  // SIGHUP restarts the services on the same registry: the new cache replaces the old one's metrics.
  for (const name of ['rackboot_overlay_requests_total', 'rackboot_overlay_cache_entries']) registry.removeSingleMetric(name);
  const seen = { hit: 0, miss: 0 };
  new Counter({
    name: 'rackboot_overlay_requests_total',
    help: 'Overlay archives served, by cache result (hit: served as rendered before; miss: rendered)',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      const { hits, misses } = overlays.cache;
      this.inc({ result: 'hit' }, hits - seen.hit);
      this.inc({ result: 'miss' }, misses - seen.miss);
      seen.hit = hits;
      seen.miss = misses;
    },
  });
  new Gauge({
    name: 'rackboot_overlay_cache_entries',
    help: 'Rendered overlay archives held in memory',
    registers: [registry],
    collect() {
      this.set(overlays.cache.size);
    },
  });
}
