import { Router, type Response } from 'express';
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { authOf } from '../auth.js';
import { parse } from '../body.js';
import { HttpError } from '../errors.js';
import type { PushManagerLike, PushSummary } from '../pushes.js';

const startBody = z
  .object({
    target: z.string({ error: 'is required: cluster:NAME, rack:NAME, or hostnames separated by commas' }).min(1),
    image: z.string({ error: 'is required: the name of a registered image (rackboot image list)' }).min(1),
    duplex: z.enum(['half', 'full']).optional(),
    maxBitrate: z.number().int().positive().nullable().optional(),
    minReceivers: z.number().int().min(1).optional(),
    maxWait: z.number().min(0).optional(),
    startTimeout: z.number().min(0).nullable().optional(),
  })
  .strict();

const ACTIVE = new Set(['waiting', 'running']);

export function pushId(text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new ValidationError(`"${text}" is not a push id (a number)`, 'id');
  return Number(text);
}

/** Who did it, for the push history: the token's name. */
const by = (res: Response): string => `api:${authOf(res)?.token.name ?? 'unknown'}`;

/** The list, with receivers filled in for pushes still waiting or running. */
export const pushList = (m: PushManagerLike): PushSummary[] => m.list().map((p) => (ACTIVE.has(p.state) ? m.progress(p.id) : p));

/**
 * Over HTTP only registered images may be pushed: the daemon runs as root, and a file path
 * would let any write token multicast any file on the server (e.g. /etc/shadow) to a
 * receiver of its choosing. The CLI on the server keeps accepting paths.
 */
export function registeredImage(images: { get(name: string): unknown }, image: string): string {
  images.get(image); // NotFoundError (404) naming the image when it is not registered
  return image;
}

/** Multicast pushes: start, progress, cancel. 501 until the daemon passes a push manager. */
export function pushRoutes(pushes: PushManagerLike | undefined, images: { get(name: string): unknown }): Router {
  const r = Router();
  const manager = (): PushManagerLike => {
    if (!pushes) throw new HttpError(501, 'not_implemented', 'multicast pushes are not available in this daemon (no push manager is running; see multicast in the config)');
    return pushes;
  };
  r.get('/pushes', (_req, res) => void res.json(pushList(manager())));
  r.post('/pushes', async (req, res) => {
    const m = manager();
    const { target, image, ...opts } = parse(startBody, req.body);
    const id = await m.start(target, registeredImage(images, image), { ...opts, by: by(res) });
    res.status(201).location(`/api/v1/pushes/${id}`).json(m.progress(id));
  });
  r.get('/pushes/:id', (req, res) => void res.json(manager().progress(pushId(req.params.id))));
  const cancel = (id: string, res: Response): void => {
    const m = manager();
    const n = pushId(id);
    m.cancel(n, `cancelled by ${by(res)}`);
    res.json(m.progress(n));
  };
  r.post('/pushes/:id/cancel', (req, res) => cancel(req.params.id, res));
  r.delete('/pushes/:id', (req, res) => cancel(req.params.id, res));
  return r;
}
