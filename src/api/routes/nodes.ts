import { Router, type Request } from 'express';
import type { BootBackend } from '../../boot/backend.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { Inventory } from '../../inventory/inventory.js';
import { pxelinuxMacName } from '../../inventory/mac.js';
import { BOOT_STAGES, type Node } from '../../inventory/types.js';
import { nodeCreate, nodePatch, parse } from '../body.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The node filter from ?cluster=&rack=&stage=, with an unknown stage refused by name. */
export function nodeFilter(req: Request): { cluster?: string; rack?: string; stage?: string } {
  const stage = str(req.query.stage);
  if (stage && !(BOOT_STAGES as readonly string[]).includes(stage)) {
    throw new ValidationError(`"${stage}" is not a boot stage; one of ${BOOT_STAGES.join(', ')}`, 'stage');
  }
  const f: { cluster?: string; rack?: string; stage?: string } = {};
  if (str(req.query.cluster)) f.cluster = str(req.query.cluster);
  if (str(req.query.rack)) f.rack = str(req.query.rack);
  if (stage) f.stage = stage;
  return f;
}

/** The node's boot files as the server would serve them to it right now. */
export function previews(backend: BootBackend, node: Node): { pxelinux: string; ipxe: string } {
  const ip = node.ip ?? '0.0.0.0';
  const pxe = backend.renderPxelinuxConfig(pxelinuxMacName(node.mac), ip);
  if (!pxe) throw new NotFoundError(`no pxelinux.cfg for ${node.hostname}`);
  return { pxelinux: pxe.toString('utf8'), ipxe: backend.renderIpxeScript(node.mac, ip).toString('utf8') };
}

export function nodeRoutes(inventory: Inventory, backend: BootBackend): Router {
  const r = Router();
  r.get('/nodes', (req, res) => {
    res.json(inventory.nodes.list(nodeFilter(req)));
  });
  r.post('/nodes', (req, res) => {
    const node = inventory.nodes.add(parse(nodeCreate, req.body));
    res.status(201).location(`/api/v1/nodes/${node.hostname}`).json(node);
  });
  r.get('/nodes/:ref', (req, res) => {
    res.json(inventory.nodes.get(req.params.ref));
  });
  r.patch('/nodes/:ref', (req, res) => {
    res.json(inventory.nodes.update(req.params.ref, parse(nodePatch, req.body)));
  });
  r.delete('/nodes/:ref', (req, res) => {
    res.json(inventory.nodes.remove(req.params.ref));
  });
  r.get('/nodes/:ref/events', (req, res) => {
    res.json(inventory.eventsOf(req.params.ref));
  });
  r.get('/nodes/:ref/pxelinux.cfg', (req, res) => {
    res.type('text/plain').send(previews(backend, inventory.nodes.get(req.params.ref)).pxelinux);
  });
  r.get('/nodes/:ref/ipxe', (req, res) => {
    res.type('text/plain').send(previews(backend, inventory.nodes.get(req.params.ref)).ipxe);
  });
  return r;
}
