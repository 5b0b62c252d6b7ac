import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/main.js';
import { openDatabase } from '../../../src/store/db.js';
import { hashToken, verifyToken } from '../../../src/store/tokens.js';

describe('rackboot token create|list|rm', () => {
  let dir: string;
  let db: string;
  let out: string[];
  let err: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rbta-cli-'));
    db = join(dir, 'rackboot.db');
    out = [];
    err = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = (...args: string[]) => main(['--db', db, ...args]);

  it('prints the token once, stores only its hash, lists without secrets, removes', async () => {
    expect(await run('token', 'create', '--name', 'ci', '--read-only')).toBe(0);
    const token = out.join('').trim();
    expect(token).toMatch(/^rbt_[A-Za-z0-9_-]{43}$/);
    expect(err.join('')).toMatch(/created read-only token ci; it is shown only this once/);

    const d = openDatabase(db);
    expect(verifyToken(d, token)).toMatchObject({ name: 'ci', readOnly: true });
    expect((d.prepare('SELECT hash FROM api_tokens').get() as { hash: string }).hash).toBe(hashToken(token).toString('hex'));
    d.close();

    out.length = 0;
    expect(await run('token', 'list')).toBe(0);
    const listing = out.join('');
    expect(listing).toMatch(/^NAME\s+ACCESS\s+CREATED\s+LAST USED\nci\s+read-only\s+\S+\s+\S+/);
    expect(listing).not.toContain(token);

    out.length = 0;
    expect(await run('token', 'rm', 'ci')).toBe(0);
    expect(out.join('')).toBe('removed token ci\n');
    expect(await run('token', 'rm', 'ci')).toBe(3);
    expect(err.join('')).toMatch(/rackboot: no token named ci/);
  });

  it('refuses a duplicate name with a message', async () => {
    expect(await run('token', 'create', '--name', 'ops')).toBe(0);
    expect(await run('token', 'create', '--name', 'ops')).toBe(2);
    expect(err.join('')).toMatch(/a token named ops already exists/);
  });
});
