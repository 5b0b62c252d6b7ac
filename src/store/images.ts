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
}

const toImage = (r: ImageRow): Image => ({ id: r.id, name: r.name, path: r.path, size: r.size, sha256: r.sha256, kind: r.kind, addedAt: r.added_at });

export class ImageRepo {
  constructor(private readonly db: Database) {}

  byName(name: string): Image | undefined {
    const r = stmt(this.db, 'SELECT * FROM images WHERE name = ?').get(name) as ImageRow | undefined;
    return r && toImage(r);
  }
  list(): Image[] {
    return (stmt(this.db, 'SELECT * FROM images ORDER BY kind, name').all() as ImageRow[]).map(toImage);
  }
  insert(i: Omit<Image, 'id'>): number {
    const info = stmt(this.db, 'INSERT INTO images (name, path, size, sha256, kind, added_at) VALUES (@name, @path, @size, @sha256, @kind, @addedAt)')
      .run(i);
    return Number(info.lastInsertRowid);
  }
  /** Profiles that push this image after boot. */
  pushedBy(name: string): string[] {
    return (stmt(this.db, 'SELECT name FROM profiles WHERE push_image = ? ORDER BY name').all(name) as { name: string }[]).map((r) => r.name);
  }
  remove(id: number): void {
    stmt(this.db, 'DELETE FROM images WHERE id = ?').run(id);
  }
}
