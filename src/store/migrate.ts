import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { SchemaError } from '../errors.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Read migrations/NNNN_name.sql in order; versions must run 1, 2, 3 … with no gap. */
export function loadMigrations(dir: string): Migration[] {
  const list = readdirSync(dir)
    .map((f) => ({ f, m: FILE.exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
    .map(({ f, m }) => ({ version: Number(m[1]), name: m[2]!, sql: readFileSync(join(dir, f), 'utf8') }))
    .sort((a, b) => a.version - b.version);
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new SchemaError(`migration ${m.version}_${m.name}: expected version ${i + 1} (no gaps, no duplicates)`);
  });
  return list;
}

/**
 * Apply every migration newer than `PRAGMA user_version`, each in its own transaction
 * together with the version bump, so a crash leaves the database at a whole version.
 * A database from a newer rackboot is refused rather than guessed at.
 */
export function migrate(db: Database, migrations: Migration[], file = 'the database'): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.length;
  if (from > latest) {
    throw new SchemaError(
      `${file} has schema version ${from}, but this rackboot knows only up to ${latest}: it was written by a newer rackboot. Upgrade rackboot, or restore a backup made by this version.`,
    );
  }
  for (const m of migrations.slice(from)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return { from, to: latest };
}
