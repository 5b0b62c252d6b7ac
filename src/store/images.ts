import type { Database } from 'better-sqlite3';
import { stmt } from './statements.js';
import type { Image, ImageKind } from '../inventory/types.js';

interface ImageRow {
  id: number;
  name: string;
  path: string;
  size: number;
  sha256: string;
  kind: ImageKind;
  added_at: string;
  kernel_version: string | null;
  kernel_path: string | null;
}

const toImage = (r: ImageRow): Image => ({
  id: r.id,
  name: r.name,
  path: r.path,
  size: r.size,
  sha256: r.sha256,
  kind: r.kind,
  addedAt: r.added_at,
  kernelVersion: r.kernel_version,
  kernelPath: r.kernel_path,
});

export class ImageRepo {
  constructor(private readonly db: Database) {}

  byName(name: string): Image | undefined {
    const r = stmt(this.db, 'SELECT * FROM images WHERE name = ?').get(name) as ImageRow | undefined;
    return r && toImage(r);
  }
  list(): Image[] {
    return (stmt(this.db, 'SELECT * FROM images ORDER BY kind, name').all() as ImageRow[]).map(toImage);
  }
  insert(i: Omit<Image, 'id' | 'kernelVersion' | 'kernelPath'> & Partial<Pick<Image, 'kernelVersion' | 'kernelPath'>>): number {
    const info = stmt(
      this.db,
      'INSERT INTO images (name, path, size, sha256, kind, added_at, kernel_version, kernel_path) VALUES (@name, @path, @size, @sha256, @kind, @addedAt, @kernelVersion, @kernelPath)',
    ).run({ kernelVersion: null, kernelPath: null, ...i });
    return Number(info.lastInsertRowid);
  }
  /** Point an existing row at a new build, keeping its id. */
  update(id: number, i: Omit<Image, 'id' | 'name'>): void {
    stmt(
      this.db,
      'UPDATE images SET path = @path, size = @size, sha256 = @sha256, kind = @kind, added_at = @addedAt, kernel_version = @kernelVersion, kernel_path = @kernelPath WHERE id = @id',
    ).run({ ...i, id });
  }
  /** Profiles that boot this image (rackboot's node initrd). */
  bootedBy(name: string): string[] {
    return (stmt(this.db, 'SELECT name FROM profiles WHERE boot_image = ? ORDER BY name').all(name) as { name: string }[]).map((r) => r.name);
  }
  /** Profiles that push this image after boot. */
  pushedBy(name: string): string[] {
    return (stmt(this.db, 'SELECT name FROM profiles WHERE push_image = ? ORDER BY name').all(name) as { name: string }[]).map((r) => r.name);
  }
  remove(id: number): void {
    stmt(this.db, 'DELETE FROM images WHERE id = ?').run(id);
  }
}
