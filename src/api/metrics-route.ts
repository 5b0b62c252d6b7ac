import type { RequestHandler } from 'express';
import type { Database } from 'better-sqlite3';
import { BOOT_STAGES } from '../inventory/types.js';
import type { Metrics } from '../metrics.js';

/** Set rackboot_nodes_by_stage from the database: every stage (0 when none), plus "none". */
export function refreshNodesByStage(db: Database, metrics: Metrics): void {
  const rows = db.prepare("SELECT coalesce(last_stage, 'none') AS stage, count(*) AS n FROM nodes GROUP BY 1").all() as { stage: string; n: number }[];
  metrics.nodesByStage.reset();
  for (const s of [...BOOT_STAGES, 'none']) metrics.nodesByStage.set({ stage: s }, 0);
  for (const r of rows) metrics.nodesByStage.set({ stage: r.stage }, r.n);
}

/** GET /metrics in the Prometheus text format. */
export function metricsHandler(db: Database, metrics: Metrics): RequestHandler {
  return async (_req, res) => {
    refreshNodesByStage(db, metrics);
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}
