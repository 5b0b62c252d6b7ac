import type { Database } from 'better-sqlite3';
import { stmt } from './statements.js';
import type { BootEvent, BootStage } from '../inventory/types.js';

/** Boot events: one row per stage a node reached, and the node's last stage. */
export class EventRepo {
  constructor(private readonly db: Database) {}

  /** `backdated`: an event known late moves the last stage only if it is not older than it. */
  record(nodeRowId: number, stage: BootStage, at: string, detail: string | null, backdated = false): void {
    this.db.transaction(() => {
      stmt(this.db, 'INSERT INTO boot_events (node_id, stage, at, detail) VALUES (?, ?, ?, ?)').run(nodeRowId, stage, at, detail);
      if (!backdated) stmt(this.db, 'UPDATE nodes SET last_stage = ?, last_stage_at = ? WHERE id = ?').run(stage, at, nodeRowId);
      else stmt(this.db, 'UPDATE nodes SET last_stage = ?, last_stage_at = ? WHERE id = ? AND (last_stage_at IS NULL OR last_stage_at <= ?)').run(stage, at, nodeRowId, at);
    })();
  }

  /** The node's latest events, oldest first by time (a backdated one sits where it happened). */
  forNode(nodeRowId: number, limit = 500): BootEvent[] {
    const rows = stmt(this.db, 'SELECT id, node_id, stage, at, detail FROM boot_events WHERE node_id = ? ORDER BY at DESC, id DESC LIMIT ?')
      .all(nodeRowId, limit) as { id: number; node_id: number; stage: BootStage; at: string; detail: string | null }[];
    return rows.reverse().map((r) => ({ id: r.id, nodeId: r.node_id, stage: r.stage, at: r.at, detail: r.detail }));
  }
}
