import type { Database, Statement } from 'better-sqlite3';

export type LeaseState = 'bound' | 'released' | 'expired' | 'declined';

/** A row of the leases table (migrations/0002_leases.sql). Times are ms since the epoch. */
export interface LeaseRecord {
  ip: string;
  mac: string;
  state: LeaseState;
  expiresAt: number;
  subnet: string;
  hostname: string | null;
  clientId: string | null;
  fixed: boolean;
  updatedAt: number;
}

interface Row {
  ip: string;
  mac: string;
  state: LeaseState;
  expires_at: number;
  subnet: string;
  hostname: string | null;
  client_id: string | null;
  fixed: number;
  updated_at: number;
}

const toRecord = (r: Row): LeaseRecord => ({
  ip: r.ip,
  mac: r.mac,
  state: r.state,
  expiresAt: r.expires_at,
  subnet: r.subnet,
  hostname: r.hostname,
  clientId: r.client_id,
  fixed: r.fixed === 1,
  updatedAt: r.updated_at,
});

/**
 * The leases table. `saveMany` writes a batch in one transaction: with WAL and
 * synchronous=NORMAL that is one write() per batch and no fsync, so a kill -9 after it
 * returns loses nothing, and the DHCP server sends its ACKs only after it returns.
 */
export class LeaseRepo {
  private readonly upsert: Statement;
  private readonly saveBatch: (rows: LeaseRecord[]) => void;

  constructor(private readonly db: Database) {
    this.upsert = db.prepare(
      `INSERT INTO leases (ip, mac, state, expires_at, subnet, hostname, client_id, fixed, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (ip) DO UPDATE SET mac = excluded.mac, state = excluded.state, expires_at = excluded.expires_at,
         subnet = excluded.subnet, hostname = excluded.hostname, client_id = excluded.client_id,
         fixed = excluded.fixed, updated_at = excluded.updated_at`,
    );
    this.saveBatch = db.transaction((rows: LeaseRecord[]) => {
      // Positional parameters: binding by name costs a third of a one-row commit.
      for (const r of rows) this.upsert.run(r.ip, r.mac, r.state, r.expiresAt, r.subnet, r.hostname, r.clientId, r.fixed ? 1 : 0, r.updatedAt);
    });
  }

  saveMany(rows: LeaseRecord[]): void {
    if (rows.length) this.saveBatch(rows);
  }

  all(): LeaseRecord[] {
    return (this.db.prepare('SELECT * FROM leases ORDER BY updated_at').all() as Row[]).map(toRecord);
  }

  /** For `rackboot lease list`: every row, or only active ones, ordered by address. */
  list(opts: { activeAt?: number; subnet?: string } = {}): LeaseRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (opts.activeAt !== undefined) {
      where.push("state = 'bound' AND expires_at > ?");
      args.push(opts.activeAt);
    }
    if (opts.subnet !== undefined) {
      where.push('subnet = ?');
      args.push(opts.subnet);
    }
    const sql = `SELECT * FROM leases ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
    const rows = (this.db.prepare(sql).all(...args) as Row[]).map(toRecord);
    const key = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    return rows.sort((a, b) => key(a.ip) - key(b.ip));
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM leases').get() as { n: number }).n;
  }
}
