import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { LeaseRepo, type LeaseRecord } from '../store/leases.js';

/** The lease-writer thread: one connection, same pragmas as store/db.ts, one transaction per batch. */
const db = new BetterSqlite3((workerData as { file: string }).file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
const repo = new LeaseRepo(db);

parentPort!.on('message', (m: { id: number; rows: LeaseRecord[] }) => {
  try {
    repo.saveMany(m.rows);
    parentPort!.postMessage({ id: m.id });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error).message });
  }
});
