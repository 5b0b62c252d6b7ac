import { Router, type Request, type Response } from 'express';
import { pxelinuxMacName } from '../inventory/mac.js';
import { BOOT_STAGES, type Node } from '../inventory/types.js';
import { listAudit } from '../store/audit.js';
import type { AppDeps } from './app.js';
import { approveBody, nodeCreate, nodePatch, parse } from './body.js';
import type { Auth } from './auth.js';
import { describeError, HttpError } from './errors.js';
import { nodeFilter, previews } from './routes/nodes.js';
import { pushId, registeredImage } from './routes/pushes.js';
import type { Render } from './web.js';

type Form = Record<string, string>;
const formOf = (req: Request): Form => {
  const out: Form = {};
  for (const [k, v] of Object.entries((req.body ?? {}) as Record<string, unknown>)) if (typeof v === 'string') out[k] = v.trim();
  return out;
};
/** Empty form fields mean "not given"; node_id is the one number. */
function nodeInput(f: Form, withMac: boolean): Record<string, unknown> {
  const keys = ['hostname', 'ip', 'rack', 'cluster', 'profile', ...(withMac ? ['mac'] : [])];
  const out: Record<string, unknown> = {};
  for (const k of keys) if (f[k]) out[k] = f[k];
  if (f.nodeId) out.nodeId = /^\d+$/.test(f.nodeId) ? Number(f.nodeId) : f.nodeId;
  return out;
}
const queryString = (f: Record<string, string | undefined>): string => {
  const q = new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => !!e[1])).toString();
  return q ? `?${q}` : '';
};
/** A hostname to offer for a discovered machine: n- and the NIC-specific half of its MAC. */
const suggestHostname = (mac: string): string => `n-${mac.split(':').slice(3).join('')}`;

/** Messages after a redirect, built from the inventory, never from text in the URL. */
const FLASH: Record<string, (n: Node) => string> = {
  registered: (n) => `Registered ${n.hostname} (${n.mac}).`,
  approved: (n) => `Approved ${n.mac} as ${n.hostname}.`,
  updated: (n) => `Saved ${n.hostname}.`,
};
const HOSTNAME = /^[a-z0-9][a-z0-9.-]{0,252}$/i;

/** The /ui pages: thin views over the same inventory calls the REST API makes. */
export function webPages(deps: AppDeps, render: Render): Router {
  const { inventory, backend } = deps;
  const r = Router();

  const nodesPage = (req: Request, res: Response, extra: { form?: Form; error?: string | null; status?: number } = {}): void => {
    const filter = nodeFilter(req);
    const form = extra.form ?? {};
    render(
      res,
      'nodes',
      {
        title: 'Nodes',
        navNodes: true,
        script: 'live.js',
        nodes: inventory.nodes.list(filter),
        filter: { rack: filter.rack ?? '' },
        filtered: Object.keys(filter).length > 0,
        query: queryString(filter),
        clusters: inventory.clusters.list().map((c) => ({ name: c.name, selected: c.name === filter.cluster, formSelected: c.name === form.cluster })),
        profiles: inventory.profiles.list().map((p) => ({ name: p.name, formSelected: p.name === form.profile })),
        stages: BOOT_STAGES.map((s) => ({ name: s, selected: s === filter.stage })),
        form: { mac: '', hostname: '', ip: '', nodeId: '', rack: '', ...form },
        error: extra.error ?? null,
        flash: typeof req.query.removed === 'string' && HOSTNAME.test(req.query.removed) ? `Removed ${req.query.removed}.` : null,
      },
      extra.status,
    );
  };

  r.get('/nodes', (req, res) => nodesPage(req, res));
  r.post('/nodes', (req, res) => {
    const f = formOf(req);
    try {
      const node = inventory.nodes.add(parse(nodeCreate, nodeInput(f, true)));
      res.redirect(303, `/ui/nodes/${encodeURIComponent(node.hostname)}?done=registered`);
    } catch (e) {
      const { status, body } = describeError(e);
      if (status >= 500) throw e;
      nodesPage(req, res, { form: f, error: body.error.message, status });
    }
  });

  const nodePage = (req: Request, res: Response, extra: { form?: Form; error?: string; status?: number } = {}): void => {
    const node: Node = inventory.nodes.get(req.params.ref as string);
    const files = previews(backend, node);
    const form = extra.form ?? { ip: node.ip ?? '', nodeId: node.nodeId === null ? '' : String(node.nodeId), rack: node.rack ?? '', extraArgs: node.extraArgs, cluster: node.cluster ?? '', profile: node.profile ?? '' };
    render(res, 'node', {
      title: node.hostname,
      navNodes: true,
      node,
      pxelinuxName: pxelinuxMacName(node.mac),
      pxelinux: files.pxelinux,
      ipxe: files.ipxe,
      kerrighed: node.cluster ? inventory.export('kerrighed', { cluster: node.cluster }) : null,
      events: inventory.eventsOf(node.hostname).slice(-200).reverse(),
      flash: typeof req.query.done === 'string' && Object.hasOwn(FLASH, req.query.done) ? FLASH[req.query.done]!(node) : null,
      error: extra.error ?? null,
      form: { ip: '', nodeId: '', rack: '', extraArgs: '', ...form },
      clusters: inventory.clusters.list().map((c) => ({ name: c.name, formSelected: c.name === form.cluster })),
      profiles: inventory.profiles.list().map((p) => ({ name: p.name, formSelected: p.name === form.profile })),
    }, extra.status);
  };
  r.get('/nodes/:ref', (req, res) => nodePage(req, res));
  /** The edit form sends every field: empty clears it (node_id empty = assign one). */
  r.post('/nodes/:ref', (req, res) => {
    const f = formOf(req);
    const patch: Record<string, unknown> = { extraArgs: f.extraArgs ?? '' };
    for (const k of ['ip', 'rack', 'cluster', 'profile']) patch[k] = f[k] ? f[k] : null;
    patch.nodeId = f.nodeId ? (/^\d+$/.test(f.nodeId) ? Number(f.nodeId) : f.nodeId) : null;
    try {
      const node = inventory.nodes.update(req.params.ref, parse(nodePatch, patch));
      res.redirect(303, `/ui/nodes/${encodeURIComponent(node.hostname)}?done=updated`);
    } catch (e) {
      const { status, body } = describeError(e);
      if (status >= 500 || status === 404) throw e;
      nodePage(req, res, { form: f, error: body.error.message, status });
    }
  });
  r.post('/nodes/:ref/delete', (req, res) => {
    const node = inventory.nodes.remove(req.params.ref);
    res.redirect(303, `/ui/nodes?removed=${encodeURIComponent(node.hostname)}`);
  });

  const discoveredPage = (res: Response, error: string | null = null, status = 200): void => {
    const machines = inventory.listDiscovered().map((d) => ({ ...d, suggested: suggestHostname(d.mac) }));
    render(res, 'discovered', { title: 'Discovered', navDiscovered: true, machines, error }, status);
  };
  r.get('/discovered', (_req, res) => discoveredPage(res));
  r.post('/discovered/:mac/approve', (req, res) => {
    try {
      const node = inventory.approveDiscovered(req.params.mac, parse(approveBody, nodeInput(formOf(req), false)));
      res.redirect(303, `/ui/nodes/${encodeURIComponent(node.hostname)}?done=approved`);
    } catch (e) {
      const { status, body } = describeError(e);
      if (status >= 500) throw e;
      discoveredPage(res, body.error.message, status);
    }
  });

  r.get('/pushes', (_req, res) => {
    render(res, 'pushes', { title: 'Pushes', navPushes: true, available: deps.pushes !== undefined, script: deps.pushes ? 'pushes.js' : null, form: { target: '', image: '' } });
  });
  r.post('/pushes', async (req, res) => {
    const f = formOf(req);
    if (!deps.pushes) throw new HttpError(501, 'not_implemented', 'multicast pushes are not available in this daemon');
    try {
      await deps.pushes.start(f.target ?? '', registeredImage(deps.inventory.images, f.image ?? ''), { by: `web:${(res.locals.auth as Auth).token.name}` });
      res.redirect(303, '/ui/pushes');
    } catch (e) {
      const { status, body } = describeError(e);
      if (status >= 500) throw e;
      render(res, 'pushes', { title: 'Pushes', navPushes: true, available: true, script: 'pushes.js', form: { target: f.target ?? '', image: f.image ?? '' }, error: body.error.message }, status);
    }
  });
  r.post('/pushes/:id/cancel', (req, res) => {
    if (!deps.pushes) throw new HttpError(501, 'not_implemented', 'multicast pushes are not available in this daemon');
    deps.pushes.cancel(pushId(req.params.id), `cancelled by web:${(res.locals.auth as Auth).token.name}`);
    res.redirect(303, '/ui/pushes');
  });

  r.get('/audit', (_req, res) => {
    render(res, 'audit', { title: 'Audit log', navAudit: true, entries: listAudit(deps.db, { limit: 500 }) });
  });
  return r;
}
