import type { Database } from 'better-sqlite3';
import { NotFoundError, ValidationError } from '../errors.js';

export interface PushTarget {
  /** nodes.id, or null for an address given literally. */
  nodeId: number | null;
  hostname: string | null;
  ip: string;
}

interface Row {
  id: number;
  hostname: string;
  ip: string | null;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/**
 * Resolve a push target to hostnames and IPv4 addresses (read-only over the 0001 schema):
 * `cluster:NAME`, `rack:NAME`, or a comma-separated list of hostnames or literal IPv4
 * addresses. A bare single name is tried as a cluster, then a rack, then a hostname.
 * Receivers are identified by IP (as udpcast does), so every node needs a fixed address.
 */
export function resolveTargets(db: Database, target: string): PushTarget[] {
  const spec = target.trim();
  if (spec === '') throw new ValidationError('empty push target', 'target');
  const [kind, name] = spec.includes(':') ? [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)] : [null, spec];
  let rows: Row[];
  if (kind === 'cluster') rows = byCluster(db, name, true);
  else if (kind === 'rack') rows = byRack(db, name, true);
  else if (kind !== null) throw new ValidationError(`unknown target kind "${kind}" (use cluster:NAME, rack:NAME or hostnames)`, 'target');
  else if (!name.includes(',') && clusterExists(db, name)) rows = byCluster(db, name, true);
  else if (!name.includes(',') && byRack(db, name, false).length > 0) rows = byRack(db, name, false);
  else return byHosts(db, name.split(',').map((h) => h.trim()).filter(Boolean));
  return toTargets(rows, spec);
}

function clusterExists(db: Database, name: string): boolean {
  return db.prepare('SELECT 1 FROM clusters WHERE name = ?').get(name) !== undefined;
}

function byCluster(db: Database, name: string, must: boolean): Row[] {
  if (must && !clusterExists(db, name)) throw new NotFoundError(`no cluster ${name}`);
  return db.prepare('SELECT n.id, n.hostname, n.ip FROM nodes n JOIN clusters c ON c.id = n.cluster_id WHERE c.name = ? ORDER BY n.hostname').all(name) as Row[];
}

function byRack(db: Database, name: string, must: boolean): Row[] {
  const rows = db.prepare('SELECT id, hostname, ip FROM nodes WHERE rack = ? ORDER BY hostname').all(name) as Row[];
  if (must && rows.length === 0) throw new NotFoundError(`no node in rack ${name}`);
  return rows;
}

function byHosts(db: Database, names: string[]): PushTarget[] {
  const stmt = db.prepare('SELECT id, hostname, ip FROM nodes WHERE hostname = ? OR ip = ?');
  const missing: string[] = [];
  const rows: Row[] = [];
  const literal: PushTarget[] = [];
  for (const n of names) {
    const r = stmt.get(n, n) as Row | undefined;
    if (r) rows.push(r);
    else if (IPV4.test(n)) literal.push({ nodeId: null, hostname: null, ip: n });
    else missing.push(n);
  }
  if (missing.length > 0) throw new NotFoundError(`not in the inventory: ${missing.join(', ')}`);
  return dedupe([...(rows.length > 0 ? toTargets(rows, names.join(',')) : []), ...literal]);
}

function toTargets(rows: Row[], spec: string): PushTarget[] {
  if (rows.length === 0) throw new NotFoundError(`target ${spec} has no nodes`);
  const noIp = rows.filter((r) => r.ip === null).map((r) => r.hostname);
  if (noIp.length > 0) throw new ValidationError(`nodes without a fixed IPv4 address cannot be admitted: ${noIp.join(', ')}`, 'target');
  return dedupe(rows.map((r) => ({ nodeId: r.id, hostname: r.hostname, ip: r.ip! })));
}

function dedupe(list: PushTarget[]): PushTarget[] {
  const seen = new Set<string>();
  return list.filter((t) => !seen.has(t.ip) && seen.add(t.ip));
}
