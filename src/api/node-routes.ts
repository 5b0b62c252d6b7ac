import { Router } from 'express';
import type { BootBackend } from '../boot/backend.js';
import { ValidationError } from '../errors.js';
import { BOOTABLE_IMAGE_NAME, type ImageService } from '../inventory/images.js';
import type { Logger } from '../log.js';
import type { AutoPush, ImageRoute } from '../multicast/auto-push.js';
import { clientIp } from './client.js';

export interface NodeRouteDeps {
  backend: BootBackend;
  images: ImageService;
  /** Multicast pushes for nodes that boot together; without it every node fetches over HTTP. */
  autoPush?: AutoPush;
  /** Where boot files are served over HTTP, e.g. http://10.0.0.1:8080/boot/files. */
  httpBase: string;
  logger: Logger;
}

/** The plan as key=value lines (docs/diskless.md): the node initrd parses them, never sources them. */
export function planText(route: ImageRoute, image: { sha256: string; size: number }, url: string): string {
  const lines = [`method=${route.method}`];
  if (route.method === 'multicast') lines.push(`portbase=${route.portBase}`, `push=${route.push}`);
  else lines.push(`reason=${route.reason.replace(/[\0-\x1f\x7f]/g, ' ')}`);
  lines.push(`url=${url}`, `sha256=${image.sha256}`, `size=${image.size}`);
  return `${lines.join('\n')}\n`;
}

/**
 * What rackboot's node initrd asks while it boots: how to get its image. The node is the
 * socket's address, as for report-back; a machine that is not registered still gets the
 * plan (a default profile may boot an image) and joins pushes by its address.
 */
export function nodeRoutes(deps: NodeRouteDeps): Router {
  const r = Router();
  r.get('/node/image', async (req, res) => {
    const name = typeof req.query.name === 'string' ? req.query.name : '';
    if (!BOOTABLE_IMAGE_NAME.test(name)) throw new ValidationError('give the image as ?name=NAME (letters, digits, dot, dash, underscore)', 'name');
    const checked = deps.images.get(name);
    if (checked.path.startsWith('/')) throw new ValidationError(`image ${name} lives outside the images folder (${checked.path}); nodes can only fetch images under it`, 'name');
    const ip = clientIp(req);
    const node = deps.backend.nodeByIp(ip);
    const route: ImageRoute = deps.autoPush
      ? await deps.autoPush.route(checked.name, { nodeId: node?.id ?? null, hostname: node?.hostname ?? null, ip })
      : { method: 'http', reason: 'multicast is off' };
    // Read again once the request was held: a rebuild that landed meanwhile is what the push sends.
    const image = deps.images.get(name);
    const url = `${deps.httpBase}/images/${image.path.split('/').map(encodeURIComponent).join('/')}`;
    deps.logger.info({ ip, node: node?.hostname, image: name, method: route.method }, `image plan for ${node?.hostname ?? ip}: ${name} by ${route.method}`);
    res.type('text/plain').send(planText(route, image, url));
  });
  return r;
}
