import express from 'express';
import type { Database } from 'better-sqlite3';
import type { BootBackend } from '../boot/backend.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Inventory } from '../inventory/inventory.js';
import { httpBase } from '../inventory/open.js';
import type { AutoPush } from '../multicast/auto-push.js';
import { defaultMounts, type Mount } from '../tftp/mounts.js';
import { auditMutations } from './audit-log.js';
import { authenticate } from './auth.js';
import { bootRoutes } from './boot-routes.js';
import { nodeRoutes } from './node-routes.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { metricsHandler } from './metrics-route.js';
import type { PushManagerLike } from './pushes.js';
import { requestLog, securityHeaders } from './request-log.js';
import { apiV1 } from './v1.js';
import { webRoutes } from './web.js';

export interface AppDeps {
  db: Database;
  inventory: Inventory;
  backend: BootBackend;
  /** Kept for the daemon's wiring; previews go through backend and inventory. */
  renderer?: unknown;
  config: Config;
  logger: Logger;
  metrics: Metrics;
  /** Multicast pushes; the push routes answer 501 without one. */
  pushes?: PushManagerLike;
  /** Gathers nodes booting one image into one push; without it nodes fetch images over HTTP. */
  autoPush?: AutoPush;
  /** Where /boot/files/ looks; defaults to the mounts TFTP serves. */
  mounts?: readonly Mount[];
  clock?: () => number;
}

/**
 * The HTTP side of rackboot, without listen(): boot routes for nodes, /metrics, the REST
 * API under /api/v1 (bearer tokens, audit log) and the web page.
 */
export function createApp(deps: AppDeps): express.Express {
  const { db, config } = deps;
  const logger = deps.logger.child({ subsystem: 'http' });
  const clock = deps.clock ?? Date.now;
  const limit = config.http.bodyLimit;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLog(logger, clock), securityHeaders);

  app.use(bootRoutes({ backend: deps.backend, logger, mounts: deps.mounts ?? defaultMounts(config) }));
  app.use(nodeRoutes({ backend: deps.backend, images: deps.inventory.images, autoPush: deps.autoPush, httpBase: httpBase(config), logger }));

  const auth = authenticate(db, clock);
  app.get('/metrics', config.http.metricsAuth ? [auth] : [], metricsHandler(db, deps.metrics));
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  // Authenticate before parsing, so a stranger's body is never read.
  app.use(
    '/api/v1',
    auditMutations(db, logger, clock), // first, so refused mutations are audited too
    auth,
    express.json({ limit }),
    express.text({ type: 'text/*', limit }),
    apiV1(deps),
  );
  app.use(webRoutes({ ...deps, logger, clock }));

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
