import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrationsDir } from '../paths.js';
import { loadMigrations, migrate } from './migrate.js';

export type { Database };

/**
 * Open (creating if needed) the inventory database: WAL so the CLI and a running daemon
 * share the file, foreign keys on, a busy timeout so concurrent writers wait instead of
 * failing, then apply pending migrations. synchronous=NORMAL in WAL mode keeps the
 * database consistent after a crash or kill -9 (only the last commits may be lost on
 * power failure, never corrupted).
 */
export function openDatabase(file: string, opts: { migrations?: string } = {}): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, loadMigrations(opts.migrations ?? migrationsDir()), file);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/** ISO-8601 UTC timestamp as stored in the database. */
export const isoNow = (clock: () => number = Date.now): string => new Date(clock()).toISOString();
