import { Router } from 'express';
import { listAudit } from '../store/audit.js';
import type { AppDeps } from './app.js';
import { authOf } from './auth.js';
import { catalogRoutes } from './routes/catalog.js';
import { nodeRoutes } from './routes/nodes.js';
import { pushRoutes } from './routes/pushes.js';
import { transferRoutes } from './routes/transfer.js';

/** The REST API under /api/v1; every route here is already authenticated. */
export function apiV1(deps: AppDeps): Router {
  const r = Router();
  r.get('/whoami', (_req, res) => {
    const a = authOf(res)!;
    res.json({ name: a.token.name, readOnly: a.token.readOnly, via: a.via });
  });
  r.get('/audit', (req, res) => {
    const limit = req.query.limit === undefined ? undefined : Number(req.query.limit) || undefined;
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    res.json(listAudit(deps.db, { limit, tokenName: token }));
  });
  r.use(nodeRoutes(deps.inventory, deps.backend));
  r.use(catalogRoutes(deps.inventory));
  r.use(transferRoutes(deps.db, deps.inventory));
  r.use(pushRoutes(deps.pushes, deps.inventory.images));
  return r;
}
