import type { Database } from 'better-sqlite3';
import { stmt } from './statements.js';
import type { DiscoveredMachine } from '../inventory/types.js';

interface DiscoveredRow {
  mac: string;
  arch: number | null;
  uuid: string | null;
  vendor_class: string | null;
  giaddr: string | null;
  circuit_id: string | null;
  remote_id: string | null;
  first_seen: string;
  last_seen: string;
  seen_count: number;
}

const toDiscovered = (r: DiscoveredRow): DiscoveredMachine => ({
  mac: r.mac,
  arch: r.arch,
  uuid: r.uuid,
  vendorClass: r.vendor_class,
  giaddr: r.giaddr,
  circuitId: r.circuit_id,
  remoteId: r.remote_id,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  seenCount: r.seen_count,
});

/** Most machines kept in the discovered list; the least recently seen go first. */
export const DISCOVERED_CAP = 10_000;

export class DiscoveredRepo {
  constructor(private readonly db: Database) {}

  upsert(d: Omit<DiscoveredMachine, 'firstSeen' | 'lastSeen' | 'seenCount'>, at: string): void {
    stmt(this.db, 
        `INSERT INTO discovered (mac, arch, uuid, vendor_class, giaddr, circuit_id, remote_id, first_seen, last_seen)
         VALUES (@mac, @arch, @uuid, @vendorClass, @giaddr, @circuitId, @remoteId, @at, @at)
         ON CONFLICT (mac) DO UPDATE SET arch = excluded.arch, uuid = excluded.uuid, vendor_class = excluded.vendor_class,
           giaddr = excluded.giaddr, circuit_id = excluded.circuit_id, remote_id = excluded.remote_id,
           last_seen = excluded.last_seen, seen_count = seen_count + 1`,
      )
      .run({ ...d, at });
    // Spoofed DISCOVERs with random MACs must not grow the table without bound.
    const n = (stmt(this.db, 'SELECT count(*) AS n FROM discovered').get() as { n: number }).n;
    if (n > DISCOVERED_CAP) stmt(this.db, 'DELETE FROM discovered WHERE mac IN (SELECT mac FROM discovered ORDER BY last_seen LIMIT ?)').run(n - DISCOVERED_CAP);
  }
  byMac(mac: string): DiscoveredMachine | undefined {
    const r = stmt(this.db, 'SELECT * FROM discovered WHERE mac = ?').get(mac) as DiscoveredRow | undefined;
    return r && toDiscovered(r);
  }
  list(): DiscoveredMachine[] {
    return (stmt(this.db, 'SELECT * FROM discovered ORDER BY last_seen DESC').all() as DiscoveredRow[]).map(toDiscovered);
  }
  remove(mac: string): void {
    stmt(this.db, 'DELETE FROM discovered WHERE mac = ?').run(mac);
  }
}
