import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfFor } from '../../../src/api/auth.js';
import { listAudit } from '../../../src/store/audit.js';
import { startApi } from './helpers.js';

/** The web page's login, cookie and CSRF rules, over plain HTTP (what a hostile page could send). */
describe('web page login, cookie and CSRF (real HTTP)', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.stop());

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(api.base + path, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: form(fields) });

  it('sends pages to /login without a cookie, and sets an HttpOnly SameSite=Strict cookie on login', async () => {
    const r = await fetch(`${api.base}/ui/nodes`, { redirect: 'manual' });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/login');
    const login = await post('/login', { token: api.admin });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^rackboot_token=rbt_[^;]+; Max-Age=43200; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Strict$/);
  });

  it('refuses a login posted from another origin (login CSRF)', async () => {
    const r = await post('/login', { token: api.admin }, { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(r.status).toBe(403);
    expect(r.headers.get('set-cookie')).toBeNull();
    expect(await r.text()).toMatch(/posted from another site/);
  });

  it('refuses a cookie-carrying form without the CSRF value, or from another origin, and audits the refusal', async () => {
    const cookie = `rackboot_token=${api.admin}`;
    const fields = { mac: '00:02:b3:00:00:10', hostname: 'x1' };
    const none = await post('/ui/nodes', fields, { cookie });
    expect(none.status).toBe(403);
    expect(await none.text()).toMatch(/stale or came from another site/);
    const wrong = await post('/ui/nodes', { ...fields, _csrf: csrfFor(api.viewer) }, { cookie });
    expect(wrong.status).toBe(403);
    const cross = await post('/ui/nodes', { ...fields, _csrf: csrfFor(api.admin) }, { cookie, origin: 'http://evil.example' });
    expect(cross.status).toBe(403);
    expect(api.inventory.nodes.find('x1')).toBeUndefined();
    expect(listAudit(api.db)[0]).toMatchObject({ tokenName: 'admin', method: 'POST', path: '/ui/nodes', status: 403 });

    const ok = await post('/ui/nodes', { ...fields, _csrf: csrfFor(api.admin) }, { cookie, origin: api.base });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/ui/nodes/x1?done=registered');
    const row = listAudit(api.db)[0]!;
    expect(row).toMatchObject({ tokenName: 'admin', path: '/ui/nodes', status: 303 });
    expect(row.change).not.toContain('_csrf');
  });

  it('edits a node from its page; a bad value re-renders the form with the message', async () => {
    const cookie = `rackboot_token=${api.admin}`;
    const _csrf = csrfFor(api.admin);
    const ok = await post('/ui/nodes/x1', { _csrf, ip: '10.0.1.31', nodeId: '', rack: 'r7', cluster: '', profile: '', extraArgs: 'console=ttyS0' }, { cookie });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/ui/nodes/x1?done=updated');
    expect(api.inventory.nodes.get('x1')).toMatchObject({ ip: '10.0.1.31', rack: 'r7', extraArgs: 'console=ttyS0' });
    const bad = await post('/ui/nodes/x1', { _csrf, ip: '10.0.1.999', rack: 'r8' }, { cookie });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('ip: &quot;10.0.1.999&quot; is not a dotted-quad IPv4 address');
    expect(html).toContain('value="r8"');
    expect(api.inventory.nodes.get('x1').rack).toBe('r7');
  });

  it('refuses a read-only token on web forms, and an unknown cookie', async () => {
    const ro = await post('/ui/nodes', { mac: '00:02:b3:00:00:11', hostname: 'x2', _csrf: csrfFor(api.viewer) }, { cookie: `rackboot_token=${api.viewer}` });
    expect(ro.status).toBe(403);
    expect(await ro.text()).toMatch(/token viewer is read-only/);
    const unknown = await post('/ui/nodes', { mac: '00:02:b3:00:00:11', hostname: 'x2', _csrf: csrfFor('rbt_x') }, { cookie: 'rackboot_token=rbt_x' });
    expect(unknown.status).toBe(401);
  });

  it('escapes inventory values in pages and sends a strict CSP', async () => {
    api.backend.recordDiscovered({ mac: '52:54:00:aa:bb:cc', arch: null, uuid: null, vendorClass: '"><script>alert(1)</script>', giaddr: null, circuitId: null, remoteId: null });
    const r = await fetch(`${api.base}/ui/discovered`, { headers: { cookie: `rackboot_token=${api.admin}` } });
    const html = await r.text();
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(r.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(r.headers.get('x-frame-options')).toBe('DENY');
  });

  it('logout clears the cookie', async () => {
    const r = await post('/logout', {}, { cookie: `rackboot_token=${api.admin}` });
    expect(r.status).toBe(303);
    expect(r.headers.get('set-cookie')).toMatch(/^rackboot_token=; Path=\/; Expires=Thu, 01 Jan 1970/);
  });
});
