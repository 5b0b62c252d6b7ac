import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import { parseConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/log.js';
import { Metrics } from '../../../src/metrics.js';
import { listAudit } from '../../../src/store/audit.js';
import { createToken } from '../../../src/store/tokens.js';
import { FakeBackend } from './fake-backend.js';
import { close, listen, tempDatabase } from './helpers.js';

describe('API authentication and audit (real HTTP)', () => {
  let t: ReturnType<typeof tempDatabase>;
  let server: Server;
  let base: string;
  let admin: string;
  let viewer: string;

  beforeAll(async () => {
    t = tempDatabase();
    admin = createToken(t.db, { name: 'admin' }).token;
    viewer = createToken(t.db, { name: 'viewer', readOnly: true }).token;
    const app = createApp({
      db: t.db,
      inventory: {} as never,
      backend: new FakeBackend([]),
      config: parseConfig({ http: { bodyLimit: '1kb' } }, t.dir),
      logger: silentLogger(),
      metrics: new Metrics(),
    });
    server = createServer(app);
    base = await listen(server);
  });
  afterAll(async () => {
    await close(server);
    t.cleanup();
  });

  const call = (path: string, init: RequestInit = {}) => fetch(base + path, init);
  const errorOf = async (r: Response) => ((await r.json()) as { error: { code: string; message: string } }).error;

  it('audits a mutation refused for a missing or unknown token, without reading its body', async () => {
    const r = await call('/api/v1/nodes', { method: 'DELETE', headers: { authorization: 'Bearer rbt_not-a-real-token' } });
    expect(r.status).toBe(401);
    await new Promise((done) => setTimeout(done, 50)); // the row is written when the response finishes
    expect(listAudit(t.db).find((a) => a.method === 'DELETE' && a.path === '/api/v1/nodes')).toMatchObject({ tokenName: '(no valid token)', status: 401 });
  });

  it('refuses a request with no Authorization header (401, WWW-Authenticate)', async () => {
    const r = await call('/api/v1/whoami');
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="rackboot"');
    expect(await errorOf(r)).toEqual({ code: 'unauthorized', message: expect.stringMatching(/missing bearer token/) });
  });

  it.each(['Basic YWRtaW46eA==', 'Bearer', 'Bearer  two words', `bearer ${'x'}`, 'Token abc'])('refuses a malformed header %j', async (h) => {
    const r = await call('/api/v1/whoami', { headers: { authorization: h } });
    expect(r.status).toBe(401);
    expect((await errorOf(r)).message).toMatch(/malformed Authorization header/);
  });

  it('refuses an unknown token', async () => {
    const r = await call('/api/v1/whoami', { headers: { authorization: 'Bearer rbt_notarealtoken' } });
    expect(r.status).toBe(401);
    expect(await errorOf(r)).toEqual({ code: 'unauthorized', message: 'unknown or revoked token' });
  });

  it('accepts valid tokens and says who they are', async () => {
    const r = await call('/api/v1/whoami', { headers: { authorization: `Bearer ${viewer}` } });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ name: 'viewer', readOnly: true, via: 'bearer' });
  });

  it('refuses a read-only token mutating (403) and audits the attempt', async () => {
    const r = await call('/api/v1/nodes', { method: 'POST', headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/json' }, body: '{"mac":"00:02:b3:3f:78:8c"}' });
    expect(r.status).toBe(403);
    expect((await errorOf(r)).message).toMatch(/token viewer is read-only/);
    await new Promise((res) => setTimeout(res, 50));
    expect(listAudit(t.db)[0]).toMatchObject({ tokenName: 'viewer', method: 'POST', path: '/api/v1/nodes', status: 403 });
  });

  it('does not read a stranger\'s body: bad JSON without a token is 401, not 400', async () => {
    const r = await call('/api/v1/nodes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad' });
    expect(r.status).toBe(401);
  });

  it('answers bad JSON with a clear 400 and an oversized body with 413', async () => {
    const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
    const bad = await call('/api/v1/nodes', { method: 'POST', headers, body: '{"mac": ' });
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toEqual({ code: 'decode', message: expect.stringMatching(/^request body is not valid JSON/) });
    const big = await call('/api/v1/nodes', { method: 'POST', headers, body: JSON.stringify({ x: 'y'.repeat(2000) }) });
    expect(big.status).toBe(413);
  });

  it('a cookie alone cannot mutate without the CSRF value', async () => {
    const r = await call('/api/v1/nodes', { method: 'POST', headers: { cookie: `rackboot_token=${admin}`, 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(403);
    expect((await errorOf(r)).message).toMatch(/CSRF/);
  });

  it('unknown routes are a JSON 404', async () => {
    const r = await call('/api/v1/nope', { headers: { authorization: `Bearer ${admin}` } });
    expect(r.status).toBe(404);
    expect((await errorOf(r)).code).toBe('not_found');
  });

  it('lists the audit log to any token', async () => {
    const r = await call('/api/v1/audit?limit=5', { headers: { authorization: `Bearer ${viewer}` } });
    expect(r.status).toBe(200);
    const rows = (await r.json()) as { tokenName: string; change: string }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((x) => x.tokenName)).toContain('viewer');
  });
});
