import { workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

/**
 * The checkpointer thread: copies the WAL into the database file every `checkpointMs`
 * (PASSIVE: never waits for, nor blocks, readers and writers), so the lease writer's
 * connection can run with wal_autocheckpoint=0 and its commits never pay for an fsync.
 */
const { file, checkpointMs } = workerData as { file: string; checkpointMs: number };
const db = new BetterSqlite3(file);
db.pragma('busy_timeout = 5000');
setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or closing: the next tick tries again; the main connections still checkpoint on their own.
  }
}, checkpointMs);
