import type { Database } from 'better-sqlite3';

export type PushState = 'waiting' | 'running' | 'done' | 'failed' | 'cancelled';
export type PushReceiverState = 'waiting' | 'joined' | 'done' | 'dropped' | 'never-joined' | 'refused';

export interface PushRecord {
  id: number;
  image: string;
  path: string;
  size: number;
  sha256: string | null;
  target: string;
  startedBy: string;
  portBase: number;
  group: string;
  duplex: 'half' | 'full';
  maxBitrate: number | null;
  state: PushState;
  result: string | null;
  bytesSent: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface PushReceiverRecord {
  pushId: number;
  nodeId: number | null;
  hostname: string | null;
  ip: string;
  state: PushReceiverState;
  client: number | null;
  bytesConfirmed: number;
  joinedAt: string | null;
  finishedAt: string | null;
  detail: string | null;
}

interface PushRow {
  id: number;
  image: string;
  path: string;
  size: number;
  sha256: string | null;
  target: string;
  started_by: string;
  port_base: number;
  data_group: string;
  duplex: 'half' | 'full';
  max_bitrate: number | null;
  state: PushState;
  result: string | null;
  bytes_sent: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const toPush = (r: PushRow): PushRecord => ({
  id: r.id,
  image: r.image,
  path: r.path,
  size: r.size,
  sha256: r.sha256,
  target: r.target,
  startedBy: r.started_by,
  portBase: r.port_base,
  group: r.data_group,
  duplex: r.duplex,
  maxBitrate: r.max_bitrate,
  state: r.state,
  result: r.result,
  bytesSent: r.bytes_sent,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

const RECEIVER_COLUMNS = `push_id AS pushId, node_id AS nodeId, hostname, ip, state, client, bytes_confirmed AS bytesConfirmed,
  joined_at AS joinedAt, finished_at AS finishedAt, detail`;

/** Push history and per-receiver progress (migrations/0003_pushes.sql). */
export class PushRepo {
  constructor(private readonly db: Database) {}

  create(p: Omit<PushRecord, 'id' | 'state' | 'result' | 'bytesSent' | 'startedAt' | 'finishedAt'>, targets: Array<{ nodeId: number | null; hostname: string | null; ip: string }>): number {
    return this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO pushes (image, path, size, sha256, target, started_by, port_base, data_group, duplex, max_bitrate, state, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', ?)`,
        )
        .run(p.image, p.path, p.size, p.sha256, p.target, p.startedBy, p.portBase, p.group, p.duplex, p.maxBitrate, p.createdAt);
      const id = Number(info.lastInsertRowid);
      const ins = this.db.prepare("INSERT INTO push_receivers (push_id, node_id, hostname, ip, state) VALUES (?, ?, ?, ?, 'waiting')");
      for (const t of targets) ins.run(id, t.nodeId, t.hostname, t.ip);
      return id;
    })();
  }

  get(id: number): PushRecord | undefined {
    const r = this.db.prepare('SELECT * FROM pushes WHERE id = ?').get(id) as PushRow | undefined;
    return r && toPush(r);
  }

  list(limit = 100): PushRecord[] {
    return (this.db.prepare('SELECT * FROM pushes ORDER BY id DESC LIMIT ?').all(limit) as PushRow[]).map(toPush);
  }

  receivers(pushId: number): PushReceiverRecord[] {
    return this.db.prepare(`SELECT ${RECEIVER_COLUMNS} FROM push_receivers WHERE push_id = ? ORDER BY id`).all(pushId) as PushReceiverRecord[];
  }

  setState(id: number, state: PushState, at: string, result: string | null = null): void {
    const column = state === 'running' ? 'started_at' : state === 'waiting' ? null : 'finished_at';
    this.db.prepare(`UPDATE pushes SET state = ?, result = coalesce(?, result)${column ? `, ${column} = ?` : ''} WHERE id = ?`).run(...[state, result, ...(column ? [at] : []), id]);
  }

  setBytesSent(id: number, bytes: number): void {
    this.db.prepare('UPDATE pushes SET bytes_sent = ? WHERE id = ?').run(bytes, id);
  }

  /** Insert or update one receiver's row (strangers get a row with state 'refused'). */
  upsertReceiver(pushId: number, ip: string, patch: Partial<Omit<PushReceiverRecord, 'pushId' | 'ip'>>): void {
    const cols: Record<string, string> = {
      nodeId: 'node_id',
      hostname: 'hostname',
      state: 'state',
      client: 'client',
      bytesConfirmed: 'bytes_confirmed',
      joinedAt: 'joined_at',
      finishedAt: 'finished_at',
      detail: 'detail',
    };
    const keys = Object.keys(patch).filter((k) => k in cols) as Array<keyof typeof patch>;
    this.db.transaction(() => {
      this.db.prepare("INSERT OR IGNORE INTO push_receivers (push_id, ip, state) VALUES (?, ?, 'waiting')").run(pushId, ip);
      if (keys.length === 0) return;
      const set = keys.map((k) => `${cols[k]} = ?`).join(', ');
      this.db.prepare(`UPDATE push_receivers SET ${set} WHERE push_id = ? AND ip = ?`).run(...keys.map((k) => patch[k] ?? null), pushId, ip);
    })();
  }

  /** Targets that never joined, once the push started or ended. */
  markNeverJoined(pushId: number, at: string): string[] {
    const rows = this.db.prepare("SELECT ip FROM push_receivers WHERE push_id = ? AND state = 'waiting'").all(pushId) as { ip: string }[];
    this.db.prepare("UPDATE push_receivers SET state = 'never-joined', finished_at = ? WHERE push_id = ? AND state = 'waiting'").run(at, pushId);
    return rows.map((r) => r.ip);
  }
}
