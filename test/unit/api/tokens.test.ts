import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createToken, hashToken, listTokens, removeToken, verifyToken } from '../../../src/store/tokens.js';
import { tempDatabase } from '../../integration/api/helpers.js';

describe('store/tokens', () => {
  let t: ReturnType<typeof tempDatabase>;
  beforeEach(() => {
    t = tempDatabase();
  });
  afterEach(() => t.cleanup());

  it('stores only the SHA-256 of the token, never the token', () => {
    const { token, record } = createToken(t.db, { name: 'ci' });
    expect(token).toMatch(/^rbt_[A-Za-z0-9_-]{43}$/);
    const row = t.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(record.id) as Record<string, unknown>;
    expect(row.hash).toBe(hashToken(token).toString('hex'));
    expect(Object.values(row)).not.toContain(token);
    expect(record).toMatchObject({ name: 'ci', readOnly: false, lastUsedAt: null });
  });

  it('verifies the right token, refuses others, and records when it was used', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock = () => now;
    const ro = createToken(t.db, { name: 'viewer', readOnly: true }, { clock });
    const rw = createToken(t.db, { name: 'admin' }, { clock });
    expect(verifyToken(t.db, rw.token, clock)).toMatchObject({ name: 'admin', readOnly: false, lastUsedAt: '2026-01-01T00:00:00.000Z' });
    expect(verifyToken(t.db, ro.token, clock)).toMatchObject({ name: 'viewer', readOnly: true });
    expect(verifyToken(t.db, `${rw.token}x`, clock)).toBeUndefined();
    expect(verifyToken(t.db, '', clock)).toBeUndefined();
    now += 30_000; // not refreshed within a minute
    expect(verifyToken(t.db, rw.token, clock)?.lastUsedAt).toBe('2026-01-01T00:00:00.000Z');
    now += 60_000;
    expect(verifyToken(t.db, rw.token, clock)?.lastUsedAt).toBe('2026-01-01T00:01:30.000Z');
  });

  it('refuses duplicate and malformed names, removes by name', () => {
    createToken(t.db, { name: 'ops' });
    expect(() => createToken(t.db, { name: 'ops' })).toThrow(/already exists/);
    expect(() => createToken(t.db, { name: 'bad name' })).toThrow(/name:/);
    expect(() => createToken(t.db, { name: '' })).toThrow(/name:/);
    expect(listTokens(t.db).map((x) => x.name)).toEqual(['ops']);
    removeToken(t.db, 'ops');
    expect(listTokens(t.db)).toEqual([]);
    expect(() => removeToken(t.db, 'ops')).toThrow(/no token named ops/);
  });

  it('draws 32 random bytes per token', () => {
    const seen = new Set<number>();
    createToken(t.db, { name: 'a' }, { random: (n) => (seen.add(n), Buffer.alloc(n, 7)) });
    expect([...seen]).toEqual([32]);
  });
});
