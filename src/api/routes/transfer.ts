import { Router } from 'express';
import type { Database } from 'better-sqlite3';
import { ValidationError } from '../../errors.js';
import { EXPORT_FORMATS, type ExportFormat, type Inventory } from '../../inventory/inventory.js';
import { LeaseRepo } from '../../store/leases.js';
import { approveBody, importBody, parse } from '../body.js';

const CONTENT_TYPE: Record<ExportFormat, string> = { dhcpd: 'text/plain', hosts: 'text/plain', kerrighed: 'text/plain', csv: 'text/csv' };

const hasTable = (db: Database, name: string): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

/** Leases, discovered machines, exports and the all-or-nothing import. */
export function transferRoutes(db: Database, inventory: Inventory): Router {
  const r = Router();

  r.get('/leases', (req, res) => {
    if (!hasTable(db, 'leases')) return void res.json([]);
    const opts: { activeAt?: number; subnet?: string } = {};
    if (req.query.active === '1' || req.query.active === 'true') opts.activeAt = Date.now();
    if (typeof req.query.subnet === 'string') opts.subnet = req.query.subnet;
    res.json(new LeaseRepo(db).list(opts));
  });

  r.get('/discovered', (_req, res) => void res.json(inventory.listDiscovered()));
  r.post('/discovered/:mac/approve', (req, res) => {
    const node = inventory.approveDiscovered(req.params.mac, parse(approveBody, req.body));
    res.status(201).location(`/api/v1/nodes/${node.hostname}`).json(node);
  });

  r.get('/exports/:format', (req, res) => {
    const format = req.params.format as ExportFormat;
    if (!EXPORT_FORMATS.includes(format)) throw new ValidationError(`"${format}" must be one of ${EXPORT_FORMATS.join(', ')}`, 'format');
    const cluster = typeof req.query.cluster === 'string' && req.query.cluster ? req.query.cluster : undefined;
    res.type(CONTENT_TYPE[format]).send(inventory.export(format, cluster ? { cluster } : {}));
  });

  // JSON { format, text, cluster?, rack?, profile? }, or the file itself as text/* with ?format=.
  r.post('/import', (req, res) => {
    const raw = typeof req.body === 'string' ? { ...req.query, text: req.body } : req.body;
    const { format, text, ...opts } = parse(importBody, raw);
    const result = inventory.import(format, text, opts);
    res.json({ added: result.added.length, updated: result.updated.length, nodes: [...result.added, ...result.updated].map((n) => n.hostname) });
  });
  return r;
}
