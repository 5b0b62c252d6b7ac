import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ImageService } from '../../../src/inventory/images.js';
import { migrationsDir } from '../../../src/paths.js';
import { loadMigrations, migrate } from '../../../src/store/migrate.js';

const SHA = 'ab'.repeat(32);

describe('migration 0010 and rootfs rows', () => {
  it('keeps every image and its id while the table is rebuilt, then takes rootfs rows with a kernel', () => {
    const db = new BetterSqlite3(':memory:');
    const all = loadMigrations(migrationsDir());
    migrate(db, all.slice(0, 9));
    db.prepare("INSERT INTO images (id, name, path, size, sha256, kind, added_at) VALUES (7, 'k', 'vmlinuz', 1, ?, 'kernel', 't')").run(SHA);
    expect(() => db.prepare("INSERT INTO images (name, path, size, sha256, kind, added_at) VALUES ('r', 'r', 1, ?, 'rootfs', 't')").run(SHA)).toThrow(/CHECK/);
    migrate(db, all.slice(0, 10));
    expect(db.prepare('SELECT id, name, kind, kernel_version FROM images').all()).toEqual([{ id: 7, name: 'k', kind: 'kernel', kernel_version: null }]);

    const dir = mkdtempSync(join(tmpdir(), 'rb-cat-'));
    const images = new ImageService(db, dir, () => 0);
    const first = images.registerRootfs({ name: 'deb', file: join(dir, 'deb/root-1.squashfs'), size: 5, sha256: SHA, kernel: { version: '6.1.0-18-cloud-amd64', file: join(dir, 'deb/vmlinuz') } });
    expect(first.replaced).toBeNull();
    expect(first.image).toMatchObject({ kind: 'rootfs', path: 'deb/root-1.squashfs', kernelVersion: '6.1.0-18-cloud-amd64', kernelPath: 'deb/vmlinuz' });
    const second = images.registerRootfs({ name: 'deb', file: join(dir, 'deb/root-2.squashfs'), size: 6, sha256: SHA, kernel: null });
    expect(second.image).toMatchObject({ id: first.image.id, path: 'deb/root-2.squashfs', kernelVersion: null, kernelPath: null });
    expect(second.replaced).toEqual(first.image);
    expect(() => images.registerRootfs({ name: 'k', file: join(dir, 'x'), size: 1, sha256: SHA, kernel: null })).toThrow(/image "k" is a kernel image, not a built root filesystem/);
    expect(() => db.prepare("UPDATE images SET kernel_version = 'x' WHERE name = 'k'").run()).toThrow(/CHECK/);
  });
});
