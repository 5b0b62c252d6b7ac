import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { openDatabase } from '../../../src/store/db.js';
import { PushRepo } from '../../../src/store/pushes.js';

describe('PushRepo (migrations/0003_pushes.sql)', () => {
  let db: Database;
  let repo: PushRepo;
  beforeEach(() => {
    db = openDatabase(':memory:');
    db.prepare("INSERT INTO nodes (id, mac, hostname, ip, created_at) VALUES (7, '52:54:00:00:00:07', 'n7', '10.0.0.7', 'x')").run();
    repo = new PushRepo(db);
  });
  afterEach(() => db.close());

  it('records a push, its targets, progress, strangers, never-joined and the result', () => {
    const id = repo.create(
      { image: 'krg', path: '/img/krg.img', size: 1000, sha256: 'ab', target: 'rack:r1', startedBy: 'cli:root', portBase: 9000, group: '234.0.0.1', duplex: 'full', maxBitrate: null, createdAt: 't0' },
      [
        { nodeId: 7, hostname: 'n7', ip: '10.0.0.7' },
        { nodeId: null, hostname: null, ip: '10.0.0.8' },
      ],
    );
    expect(repo.get(id)).toMatchObject({ state: 'waiting', target: 'rack:r1', startedBy: 'cli:root', startedAt: null });
    repo.upsertReceiver(id, '10.0.0.7', { state: 'joined', client: 0, joinedAt: 't1' });
    repo.upsertReceiver(id, '10.0.0.99', { state: 'refused', detail: 'not a target of this push' });
    repo.setState(id, 'running', 't2');
    expect(repo.markNeverJoined(id, 't2')).toEqual(['10.0.0.8']);
    repo.upsertReceiver(id, '10.0.0.7', { state: 'done', bytesConfirmed: 1000, finishedAt: 't3' });
    repo.setBytesSent(id, 1200);
    repo.setState(id, 'done', 't4', '1 of 2 targets received the image');
    expect(repo.get(id)).toMatchObject({ state: 'done', startedAt: 't2', finishedAt: 't4', bytesSent: 1200, result: '1 of 2 targets received the image' });
    expect(repo.receivers(id).map((r) => [r.hostname, r.ip, r.state, r.client, r.bytesConfirmed, r.detail])).toEqual([
      ['n7', '10.0.0.7', 'done', 0, 1000, null],
      [null, '10.0.0.8', 'never-joined', null, 0, null],
      [null, '10.0.0.99', 'refused', null, 0, 'not a target of this push'],
    ]);
    expect(repo.list().map((p) => p.id)).toEqual([id]);
  });

  it('keeps history when a node is removed (node_id becomes NULL)', () => {
    const id = repo.create(
      { image: 'krg', path: '/p', size: 1, sha256: null, target: 'n7', startedBy: 'api:ops', portBase: 9002, group: '234.0.0.1', duplex: 'half', maxBitrate: 1e8, createdAt: 't0' },
      [{ nodeId: 7, hostname: 'n7', ip: '10.0.0.7' }],
    );
    db.prepare('DELETE FROM nodes WHERE id = 7').run();
    expect(repo.receivers(id)[0]).toMatchObject({ nodeId: null, hostname: 'n7' });
  });
});
