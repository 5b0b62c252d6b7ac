import type { Database, Statement } from 'better-sqlite3';

/**
 * "Is this address some node's fixed address?" — asked for every candidate the DHCP pool
 * allocator considers, so it is one prepared, indexed lookup (nodes.ip is UNIQUE) instead of a
 * full node read through the BootBackend. Reads the database every time: a node added with
 * the CLI reserves its address at once.
 */
export class ReservationRepo {
  private readonly byIp: Statement;
  private readonly byMac: Statement;

  constructor(db: Database) {
    this.byIp = db.prepare('SELECT mac FROM nodes WHERE ip = ?');
    this.byMac = db.prepare('SELECT 1 FROM nodes WHERE mac = ?');
  }

  /**
   * Cheap "is this MAC registered?" (canonical aa:bb:… form, as chaddr is rendered), so a flood
   * of unknown MACs does not pay for a full node read; registered ones are then read through
   * the BootBackend.
   */
  isRegistered(mac: string): boolean {
    return this.byMac.get(mac) !== undefined;
  }

  /** The MAC of the node whose fixed address is `ip`, if any. */
  macOf(ip: string): string | undefined {
    return (this.byIp.get(ip) as { mac: string } | undefined)?.mac;
  }
}
