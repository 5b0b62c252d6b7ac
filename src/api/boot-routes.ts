import express, { Router, type Request, type Response } from 'express';
import type { BootBackend } from '../boot/backend.js';
import { AuthError, NotFoundError, ValidationError } from '../errors.js';
import { parseMac } from '../inventory/mac.js';
import type { BootStage, Node } from '../inventory/types.js';
import type { Logger } from '../log.js';
import { overlayArchiveMac } from '../node/overlays/backend.js';
import { openFromMounts } from '../tftp/open.js';
import type { Mount } from '../tftp/mounts.js';
import { normalizeRequestPath, pxelinuxConfigName } from '../tftp/paths.js';
import { refusalError, sendSource } from './boot-files.js';
import { clientIp } from './client.js';

export interface BootRouteDeps {
  backend: BootBackend;
  logger: Logger;
  mounts: readonly Mount[];
}

/**
 * Stages a node may report about itself (rackboot's node initrd reports its steps, the
 * booted OS reports up); DHCP/TFTP/push stages are only ever observed by rackboot.
 */
const REPORTABLE = new Set<BootStage>(['image', 'image-ok', 'image-bad', 'overlay', 'switch-root', 'up']);

function record(deps: BootRouteDeps, node: Node | undefined, path: string, ip: string): void {
  if (!node) return;
  const stage = deps.backend.stageForFile(node, path);
  if (stage) deps.backend.recordStage(node, stage, `http ${path} to ${ip}`);
}

const wantedPath = (req: Request): string => {
  const p = req.params as { path?: string[] | string };
  return Array.isArray(p.path) ? p.path.join('/') : (p.path ?? '');
};

/**
 * Unauthenticated routes nodes use while booting: iPXE scripts, boot files over HTTP
 * (TFTP's mounts and path rules, reused from src/tftp; `pxelinux.cfg/*` rendered), and the report-back, which
 * is the only unauthenticated write and trusts nothing but the socket's address.
 */
export function bootRoutes(deps: BootRouteDeps): Router {
  const r = Router();

  r.get('/boot/:mac.ipxe', (req, res) => {
    const ip = clientIp(req);
    const mac = req.params.mac === 'default' ? undefined : parseMac(req.params.mac);
    const script = deps.backend.renderIpxeScript(mac, ip);
    deps.logger.debug({ ip, mac, bytes: script.length }, 'served iPXE script');
    // As TFTP does: the stage goes to the node at the client's address, not the one the URL names.
    if (req.method === 'GET') record(deps, deps.backend.nodeByIp(ip), `boot/${req.params.mac}.ipxe`, ip);
    res.type('text/plain').send(script);
  });

  r.get('/boot/files/*path', async (req, res) => {
    const ip = clientIp(req);
    const normal = normalizeRequestPath(wantedPath(req));
    if (!('path' in normal)) throw refusalError(wantedPath(req), normal);
    const { path } = normal;
    const overlayMac = overlayArchiveMac(path);
    if (overlayMac !== undefined && deps.backend.renderOverlay) {
      // Rendered per node; only the node's own address gets it (docs/diskless.md).
      const r = deps.backend.renderOverlay(overlayMac, ip);
      if (!r.ok) throw r.refusal === 'forbidden' ? new AuthError('forbidden', r.message) : new NotFoundError(r.message);
      deps.logger.debug({ ip, path, bytes: r.bytes.length, cached: r.cached }, 'served overlay');
      res.type('application/octet-stream').send(r.bytes);
      return;
    }
    const node = req.method === 'GET' ? deps.backend.nodeByIp(ip) : undefined;
    const cfgName = pxelinuxConfigName(path);
    if (cfgName !== undefined) {
      const body = deps.backend.renderPxelinuxConfig(cfgName, ip);
      if (!body) throw new NotFoundError(`no boot file ${path}`);
      deps.logger.debug({ ip, path, bytes: body.length }, 'served boot file (rendered)');
      record(deps, node, path, ip);
      res.type('text/plain').send(body);
      return;
    }
    const found = await openFromMounts(path, deps.mounts);
    if ('code' in found) throw refusalError(path, found);
    if (await sendSource(res, found, req.method === 'HEAD')) {
      deps.logger.debug({ ip, path, bytes: found.size }, 'served boot file');
      record(deps, node, path, ip);
    }
  });

  const report = (req: Request, res: Response): void => {
    const ip = clientIp(req);
    const q = { ...(req.query as Record<string, unknown>), ...((req.body as Record<string, unknown> | undefined) ?? {}) };
    const stage = typeof q.stage === 'string' ? q.stage : 'up';
    if (!REPORTABLE.has(stage as BootStage)) throw new ValidationError(`"${stage}" cannot be reported by a node; only: ${[...REPORTABLE].join(', ')}`, 'stage');
    const node = deps.backend.nodeByIp(ip);
    if (!node) throw new NotFoundError(`no registered node has address ${ip} (fixed or leased); report-back is accepted only from the node's own address`);
    const detail = typeof q.detail === 'string' ? q.detail.replace(/[\0-\x1f\x7f]/g, ' ').slice(0, 200) : undefined;
    deps.backend.recordStage(node, stage as BootStage, detail);
    deps.logger.info({ ip, node: node.hostname, stage }, 'node reported back');
    res.type('text/plain').send(`ok ${node.hostname} ${stage}\n`);
  };
  r.get('/report', report);
  r.post('/report', express.urlencoded({ extended: false, limit: '4kb' }), report);
  return r;
}
