import { Router } from 'express';
import { NotFoundError } from '../../errors.js';
import { HttpError } from '../errors.js';
import type { PushManagerLike } from '../pushes.js';

/** Multicast pushes: start, progress, cancel. 501 until the daemon runs with a push manager. */
export function pushRoutes(pushes: PushManagerLike | undefined): Router {
  const r = Router();
  const manager = (): PushManagerLike => {
    if (!pushes) throw new HttpError(501, 'not_implemented', 'multicast pushes are not available in this daemon (multicast.enabled is false, or the push manager is not built in)');
    return pushes;
  };
  const one = (id: string): unknown => {
    const p = manager().get(id);
    if (p === undefined) throw new NotFoundError(`no push ${id}`);
    return p;
  };
  r.get('/pushes', (_req, res) => void res.json(manager().list()));
  r.post('/pushes', async (req, res) => {
    const p = await manager().start((req.body ?? {}) as Record<string, unknown>);
    res.status(201).json(p);
  });
  r.get('/pushes/:id', (req, res) => void res.json(one(req.params.id)));
  r.post('/pushes/:id/cancel', async (req, res) => {
    one(req.params.id);
    await manager().cancel(req.params.id);
    res.json(one(req.params.id));
  });
  r.delete('/pushes/:id', async (req, res) => {
    one(req.params.id);
    await manager().cancel(req.params.id);
    res.json(one(req.params.id));
  });
  return r;
}
