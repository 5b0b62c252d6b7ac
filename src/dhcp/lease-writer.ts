import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { LeaseRepo, type LeaseRecord } from '../store/leases.js';

/**
 * Where committed lease batches go. ACKs are sent when `write` resolves, so an ACKed lease is
 * in SQLite (WAL, synchronous=NORMAL: it survives a kill -9 of the daemon).
 */
export interface LeaseWriter {
  write(rows: LeaseRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** Commit on the calling thread (tests, `:memory:` databases). */
export function inlineWriter(repo: LeaseRepo): LeaseWriter {
  return {
    write: async (rows) => repo.saveMany(rows),
    close: async () => {},
  };
}

/**
 * Commit on the packet thread through a connection of our own that never checkpoints
 * (wal_autocheckpoint=0): a commit is then one write() to the WAL, ~30 µs, with no fsync.
 * A checkpointer thread with its own connection runs PASSIVE checkpoints every
 * `checkpointMs`, so the WAL stays small and its fsyncs (tens to hundreds of ms on a busy
 * disk) never stall the packet loop. With synchronous=NORMAL a committed lease survives a
 * kill -9 of the daemon.
 */
export function ownConnectionWriter(file: string, checkpointMs = 1000): LeaseWriter {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('wal_autocheckpoint = 0');
  const repo = new LeaseRepo(db);
  const checkpointer = new Worker(WORKER_FILE, { workerData: { file, checkpointMs } });
  checkpointer.unref();
  return {
    write: async (rows) => repo.saveMany(rows),
    close: async () => {
      await checkpointer.terminate();
      db.close();
    },
  };
}

const WORKER_FILE = new URL('./lease-checkpointer.js', import.meta.url);

/** Own connection + checkpointer thread when running compiled (dist/); inline when running from TypeScript sources or in memory. */
export function leaseWriterFor(file: string, repo: LeaseRepo): LeaseWriter {
  const onDisk = file !== '' && file !== ':memory:';
  return onDisk && existsSync(fileURLToPath(WORKER_FILE)) ? ownConnectionWriter(file) : inlineWriter(repo);
}
