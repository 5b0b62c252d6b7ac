import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../../src/store/migrate.js';
import { openDatabase } from '../../../src/store/db.js';
import { migrationsDir } from '../../../src/paths.js';
import { SchemaError } from '../../../src/errors.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'rackboot-migrate-'));

describe('migration runner', () => {
  it('creates a fresh database at the latest version with WAL and foreign keys', () => {
    const file = join(tmp(), 'inv.db');
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(loadMigrations(migrationsDir()).length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all().map((r) => (r as { name: string }).name);
    expect(tables).toEqual(expect.arrayContaining(['clusters', 'profiles', 'profile_labels', 'images', 'nodes', 'boot_events', 'discovered']));
    db.close();
  });

  it('re-running is a no-op and keeps data', () => {
    const file = join(tmp(), 'inv.db');
    const db = openDatabase(file);
    db.prepare("INSERT INTO clusters (name) VALUES ('krg')").run();
    db.close();
    const again = openDatabase(file);
    expect(again.prepare('SELECT name FROM clusters').all()).toEqual([{ name: 'krg' }]);
    again.close();
  });

  it('applies only the pending migrations, each with its version', () => {
    const dir = tmp();
    const mig = join(dir, 'm');
    mkdirSync(mig);
    writeFileSync(join(mig, '0001_a.sql'), 'CREATE TABLE a (x INTEGER);');
    const db = new BetterSqlite3(join(dir, 'x.db'));
    expect(migrate(db, loadMigrations(mig))).toEqual({ from: 0, to: 1 });
    writeFileSync(join(mig, '0002_b.sql'), 'CREATE TABLE b (y INTEGER);');
    expect(migrate(db, loadMigrations(mig))).toEqual({ from: 1, to: 2 });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
  });

  it('rolls back a failing migration whole, leaving the previous version', () => {
    const dir = tmp();
    const mig = join(dir, 'm');
    mkdirSync(mig);
    writeFileSync(join(mig, '0001_a.sql'), 'CREATE TABLE a (x INTEGER);');
    writeFileSync(join(mig, '0002_bad.sql'), 'CREATE TABLE b (y INTEGER); INSERT INTO nope VALUES (1);');
    const db = new BetterSqlite3(join(dir, 'x.db'));
    expect(() => migrate(db, loadMigrations(mig))).toThrow(/no such table: nope/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'b'").get()).toEqual({ n: 0 });
  });

  it('0009 rebuilds the leases table WITHOUT ROWID and keeps every lease and constraint', () => {
    const all = loadMigrations(migrationsDir());
    const db = new BetterSqlite3(join(tmp(), 'leases.db'));
    migrate(db, all.filter((m) => m.version <= 8));
    const insert = db.prepare('INSERT INTO leases (ip, mac, state, expires_at, subnet, hostname, client_id, fixed, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    insert.run('10.0.0.11', '52:54:00:00:00:01', 'bound', 1000, '10.0.0.0/24', 'n1', null, 1, 900);
    insert.run('10.0.0.50', '52:54:00:00:00:02', 'released', 2000, '10.0.0.0/24', null, '01ab', 0, 1900);
    const before = db.prepare('SELECT * FROM leases ORDER BY ip').all();
    expect(migrate(db, all)).toMatchObject({ from: 8 });
    expect(db.prepare('SELECT * FROM leases ORDER BY ip').all()).toEqual(before);
    expect((db.prepare("SELECT sql FROM sqlite_master WHERE name = 'leases'").get() as { sql: string }).sql).toMatch(/WITHOUT ROWID/);
    expect(() => insert.run('10.0.0.11', '52:54:00:00:00:03', 'bound', 1, 's', null, null, 0, 1)).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insert.run('10.0.0.12', '52:54:00:00:00:03', 'lost', 1, 's', null, null, 0, 1)).toThrow(/CHECK/);
    db.close();
  });

  it('refuses a database written by a newer rackboot with a clear message', () => {
    const file = join(tmp(), 'inv.db');
    const raw = new BetterSqlite3(file);
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => openDatabase(file)).toThrow(SchemaError);
    expect(() => openDatabase(file)).toThrow(/schema version 999.*written by a newer rackboot/);
  });

  it('refuses gaps in migration numbering', () => {
    const mig = join(tmp(), 'm');
    mkdirSync(mig);
    writeFileSync(join(mig, '0001_a.sql'), '');
    writeFileSync(join(mig, '0003_c.sql'), '');
    expect(() => loadMigrations(mig)).toThrow(/expected version 2/);
  });

  it('after every migration, the triggers that move inventory_version are all there (a table rebuild would drop them)', () => {
    const db = openDatabase(join(tmp(), 'inv.db'));
    const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").pluck().all();
    expect(triggers).toEqual(expect.arrayContaining(['clusters_rename_version', 'nodes_delete_version', 'nodes_insert_version', 'nodes_update_version', 'profiles_rename_version']));
    expect(db.prepare('SELECT v FROM inventory_version').pluck().get()).toBe(0);
    db.close();
  });
});
