import { existsSync } from 'node:fs';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrationsDir } from '../paths.js';
import { loadMigrations, migrate } from '../store/migrate.js';
import { fail, ok, warn, type CheckResult } from './result.js';

export interface DatabaseCheck {
  result: CheckResult;
  /**
   * The inventory for the checks that read it, at the current schema: the file itself
   * (read-only), or an in-memory migrated copy when serve would migrate it; undefined when
   * there is none to read. The caller closes it.
   */
  db?: Database;
}

/**
 * The database opens and its schema is current. Read-only: check never creates, migrates or
 * writes the file (serve does). A database from a newer rackboot fails, as serve refuses it.
 */
export function checkDatabase(file: string, migrations = migrationsDir()): DatabaseCheck {
  const latest = loadMigrations(migrations);
  if (file !== ':memory:' && !existsSync(file)) {
    return { result: ok('database', `${file} does not exist yet: serve creates it (schema version ${latest.length}) at first start`) };
  }
  let db: Database;
  let version: number;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    version = db.pragma('user_version', { simple: true }) as number;
    db.prepare('SELECT count(*) FROM sqlite_master').get(); // reads a page: a file that is not SQLite fails here
  } catch (e) {
    return { result: fail('database', `cannot open ${file}: ${(e as Error).message}`) };
  }
  if (version > latest.length) {
    db.close();
    return {
      result: fail('database', `${file} has schema version ${version}, but this rackboot knows only up to ${latest.length}: it was written by a newer rackboot. Upgrade rackboot, or restore a backup made by this version.`),
    };
  }
  if (version === latest.length) return { result: ok('database', `${file} opens; schema version ${version} is current`), db };
  // Read the rest on a migrated copy, as serve would see it, leaving the file untouched.
  let copy: Database;
  try {
    copy = new BetterSqlite3(db.serialize());
    migrate(copy, latest, file);
  } catch (e) {
    return { result: fail('database', `${file} (schema version ${version}) does not migrate to version ${latest.length}: ${(e as Error).message}`) };
  } finally {
    db.close();
  }
  const pending = latest.slice(version).map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`);
  return {
    result: warn('database', `${file} has schema version ${version}; serve will migrate it to ${latest.length} (${pending.join(', ')}) at start: back it up first`),
    db: copy,
  };
}
