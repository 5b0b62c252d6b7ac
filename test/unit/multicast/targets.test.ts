import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { openDatabase } from '../../../src/store/db.js';
import { resolveTargets } from '../../../src/multicast/targets.js';
import { NotFoundError, ValidationError } from '../../../src/errors.js';

describe('resolveTargets (0001 schema, read-only)', () => {
  let db: Database;
  beforeEach(() => {
    db = openDatabase(':memory:');
    db.prepare("INSERT INTO clusters (id, name) VALUES (1, 'krg'), (2, 'empty')").run();
    const add = db.prepare("INSERT INTO nodes (mac, hostname, ip, cluster_id, rack, created_at) VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00Z')");
    add.run('52:54:00:00:00:01', 'n1', '10.0.0.11', 1, 'r1');
    add.run('52:54:00:00:00:02', 'n2', '10.0.0.12', 1, 'r1');
    add.run('52:54:00:00:00:03', 'n3', '10.0.0.13', null, 'r2');
    add.run('52:54:00:00:00:04', 'noip', null, null, 'r3');
  });
  afterEach(() => db.close());

  const ips = (t: string) => resolveTargets(db, t).map((x) => `${x.hostname ?? '-'}@${x.ip}`);

  it('resolves clusters, racks and host lists, explicitly or by bare name', () => {
    expect(ips('cluster:krg')).toEqual(['n1@10.0.0.11', 'n2@10.0.0.12']);
    expect(ips('krg')).toEqual(['n1@10.0.0.11', 'n2@10.0.0.12']);
    expect(ips('rack:r2')).toEqual(['n3@10.0.0.13']);
    expect(ips('r1')).toEqual(['n1@10.0.0.11', 'n2@10.0.0.12']);
    expect(ips('n3')).toEqual(['n3@10.0.0.13']);
    expect(ips('n2, n3,n2')).toEqual(['n2@10.0.0.12', 'n3@10.0.0.13']);
    expect(ips('N1')).toEqual(['n1@10.0.0.11']); // hostnames are case-insensitive
  });

  it('accepts literal IPv4 addresses, matching registered nodes by address', () => {
    expect(ips('10.0.0.12,192.168.7.9')).toEqual(['n2@10.0.0.12', '-@192.168.7.9']);
  });

  it('names what is missing or unusable', () => {
    expect(() => resolveTargets(db, 'cluster:nope')).toThrow(new NotFoundError('no cluster nope'));
    expect(() => resolveTargets(db, 'cluster:empty')).toThrow(/target cluster:empty has no nodes/);
    expect(() => resolveTargets(db, 'rack:zz')).toThrow(NotFoundError);
    expect(() => resolveTargets(db, 'n1,ghost,phantom')).toThrow(/not in the inventory: ghost, phantom/);
    expect(() => resolveTargets(db, 'rack:r3')).toThrow(ValidationError);
    expect(() => resolveTargets(db, 'rack:r3')).toThrow(/without a fixed IPv4 address cannot be admitted: noip/);
    expect(() => resolveTargets(db, 'pod:x')).toThrow(/unknown target kind "pod"/);
    expect(() => resolveTargets(db, ' ')).toThrow(/empty push target/);
  });
});
