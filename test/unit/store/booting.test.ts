import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../src/store/db.js';
import { nodesBootingImage } from '../../../src/store/booting.js';

describe('nodesBootingImage: the nodes an auto push can expect (real SQLite)', () => {
  let dir = '';
  let db: Database;
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts nodes of profiles booting the image, and nodes without a profile when the default profile boots it, only at stages before the image and recently', () => {
    dir = mkdtempSync(join(tmpdir(), 'rbt-booting-'));
    db = openDatabase(join(dir, 'rackboot.db'));
    const profile = (name: string, image: string | null): number =>
      Number(db.prepare('INSERT INTO profiles (name, boot_image) VALUES (?, ?)').run(name, image).lastInsertRowid);
    const deb = profile('deb', 'deb12');
    const other = profile('alma', 'alma9');
    const node = (host: string, profileId: number | null, stage: string, at: string): number =>
      Number(db.prepare("INSERT INTO nodes (mac, hostname, profile_id, last_stage, last_stage_at, created_at) VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00.000Z')")
        .run(`52:54:00:00:00:${host.slice(-2)}`, host, profileId, stage, at).lastInsertRowid);
    const recent = '2026-12-07T10:00:30.000Z';
    const a = node('n01', deb, 'initrd', recent);
    node('n02', deb, 'up', recent); // already booted
    node('n03', deb, 'kernel', '2026-12-07T09:00:00.000Z'); // stale
    node('n04', other, 'initrd', recent); // another image
    const d = node('n05', null, 'ack', recent); // the default profile's
    const since = '2026-12-07T10:00:00.000Z';
    expect(nodesBootingImage(db, 'deb12', since, null)).toEqual([a]);
    expect(nodesBootingImage(db, 'deb12', since, 'deb').sort()).toEqual([a, d].sort());
    expect(nodesBootingImage(db, 'deb12', since, 'alma')).toEqual([a]);
  });
});
