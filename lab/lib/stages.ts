import Database from 'better-sqlite3';

export interface StageEvent {
  id: number;
  stage: string;
  at: string;
  detail: string | null;
}

/**
 * Follows the boot events rackboot records for one node, by reading the inventory file
 * read-only while the daemon writes it (SQLite WAL lets a reader and the writer run side
 * by side). The lab's HTTP API lives inside the server namespace, unreachable from here,
 * so the database is the one channel the lab shares with the daemon.
 */
export class StageWatcher {
  private lastId = 0;
  private db: Database.Database | undefined;

  constructor(
    private readonly dbFile: string,
    private readonly mac: string,
  ) {}

  /** Events recorded since the previous call (empty until the daemon has created the file). */
  poll(): StageEvent[] {
    try {
      this.db ??= new Database(this.dbFile, { readonly: true, fileMustExist: true });
      const rows = this.db
        .prepare(
          `SELECT e.id, e.stage, e.at, e.detail FROM boot_events e JOIN nodes n ON n.id = e.node_id
           WHERE n.mac = ? AND e.id > ? ORDER BY e.id`,
        )
        .all(this.mac.toLowerCase(), this.lastId) as StageEvent[];
      if (rows.length) this.lastId = rows.at(-1)!.id;
      return rows;
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_BUSY') return [];
      throw e;
    }
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}
