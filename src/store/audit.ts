import type { Database } from 'better-sqlite3';
import { isoNow } from './db.js';

/** One mutation made through the API or the web page. */
export interface AuditEntry {
  id: number;
  at: string;
  tokenName: string;
  method: string;
  path: string;
  status: number;
  change: string; // what was asked for: the request body as JSON (secrets removed, truncated)
}

interface Row {
  id: number;
  at: string;
  token_name: string;
  method: string;
  path: string;
  status: number;
  change: string;
}

const toEntry = (r: Row): AuditEntry => ({
  id: r.id,
  at: r.at,
  tokenName: r.token_name,
  method: r.method,
  path: r.path,
  status: r.status,
  change: r.change,
});

export function appendAudit(db: Database, e: Omit<AuditEntry, 'id' | 'at'>, clock: () => number = Date.now): void {
  db.prepare('INSERT INTO audit_log (at, token_name, method, path, status, change) VALUES (?, ?, ?, ?, ?, ?)').run(
    isoNow(clock),
    e.tokenName,
    e.method,
    e.path,
    e.status,
    e.change,
  );
}

/** Newest first. */
export function listAudit(db: Database, opts: { limit?: number; tokenName?: string } = {}): AuditEntry[] {
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 10_000);
  const rows = opts.tokenName
    ? db.prepare('SELECT * FROM audit_log WHERE token_name = ? ORDER BY id DESC LIMIT ?').all(opts.tokenName, limit)
    : db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit);
  return (rows as Row[]).map(toEntry);
}
