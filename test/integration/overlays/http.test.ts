import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import { silentLogger } from '../../../src/log.js';
import { Metrics } from '../../../src/metrics.js';
import { registerOverlayMetrics } from '../../../src/node/overlays/metrics.js';
import { createToken } from '../../../src/store/tokens.js';
import { close, requestFrom } from '../api/helpers.js';
import { MACS, overlayFixture } from '../../unit/node/overlays-fixture.js';

/** A port free right now, so the config (rendered into the up report) can name the one we listen on. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('GET /boot/files/overlay/<mac>.cpio (real HTTP, real inventory)', () => {
  let f: ReturnType<typeof overlayFixture>;
  let server: Server;
  let base: string;
  let admin: string;
  const tmp = mkdtempSync(join(tmpdir(), 'rbt-overlay-http-'));
  const url = (mac: string) => `${base}/boot/files/overlay/${mac}.cpio`;

  beforeAll(async () => {
    const port = await freePort();
    // node1 at a fixed loopback address, node3 only by a lease, lone at 127.0.0.1 (runs the up report)
    f = overlayFixture({ server: '127.0.0.1', port, ips: { node1: '127.0.0.2', node2: '127.0.0.3', lone: '127.0.0.1' } });
    f.db.prepare("INSERT INTO leases (ip, mac, state, expires_at, subnet, fixed, updated_at) VALUES ('127.0.0.4', ?, 'bound', ?, '127.0.0.0/8', 0, ?)").run(MACS.node3, Date.now() + 3_600_000, Date.now());
    admin = createToken(f.db, { name: 'admin' }).token;
    const app = createApp({ db: f.db, inventory: f.inventory, backend: f.backend, config: f.config, logger: silentLogger(), metrics: new Metrics(), mounts: [] });
    server = createServer(app);
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await close(server);
    f.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("200 with the node's archive from its fixed address, and from its leased one", async () => {
    const r = await fetchFrom(url('00-16-3E-00-00-01'), '127.0.0.2');
    expect(r.status).toBe(200);
    const listed = execFileSync('cpio', ['-t', '--quiet'], { input: r.body, encoding: 'utf8' });
    expect(listed).toContain('etc/hostname\n');
    const hostname = execFileSync('cpio', ['-i', '--quiet', '--to-stdout', 'etc/hostname'], { input: r.body, encoding: 'utf8' });
    expect(hostname).toBe('node1\n');
    const leased = await fetchFrom(url(MACS.node3), '127.0.0.4');
    expect(leased.status).toBe(200);
    expect(execFileSync('cpio', ['-i', '--quiet', '--to-stdout', 'etc/hostname'], { input: leased.body, encoding: 'utf8' })).toBe('node3\n');
  });

  it('403 to any other address (another node, a stranger); 404 for an unknown MAC', async () => {
    expect((await requestFrom(url(MACS.node1), '127.0.0.3')).status).toBe(403);
    expect((await requestFrom(url(MACS.node1), '127.0.0.9')).status).toBe(403);
    const r = await requestFrom(url(MACS.node3), '127.0.0.2');
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error.message).toMatch(/only to its own address/);
    expect((await requestFrom(url('00:16:3e:99:99:99'), '127.0.0.2')).status).toBe(404);
    expect((await requestFrom(url('not-a-mac'), '127.0.0.2')).status).toBe(404);
  });

  it('renders once for a storm of requests; an inventory change renders again', async () => {
    const before = f.overlays.renders;
    const first = await fetchFrom(url(MACS.node2), '127.0.0.3');
    const again = await Promise.all([1, 2, 3, 4, 5].map(() => fetchFrom(url(MACS.node2), '127.0.0.3')));
    expect(f.overlays.renders).toBe(before + 1);
    for (const r of again) expect(r.body.equals(first.body)).toBe(true);
    f.inventory.nodes.update(MACS.node2, { rack: 'r7' });
    const changed = await fetchFrom(url(MACS.node2), '127.0.0.3');
    expect(f.overlays.renders).toBe(before + 2);
    expect(execFileSync('cpio', ['-i', '--quiet', '--to-stdout', 'etc/rackboot/node'], { input: changed.body, encoding: 'utf8' })).toContain('rack=r7\n');
    const metrics = new Metrics();
    registerOverlayMetrics(metrics.registry, f.overlays);
    const text = await metrics.registry.metrics();
    expect(text).toContain(`rackboot_overlay_requests_total{result="hit"} ${f.overlays.cache.hits}`);
    expect(f.overlays.cache.hits).toBeGreaterThanOrEqual(5);
  });

  it('the profile JSON of the API carries the overlay and image fields', async () => {
    const r = await fetch(`${base}/api/v1/profiles/diskless`, { headers: { authorization: `Bearer ${admin}` } });
    expect(await r.json()).toMatchObject({ overlays: ['base'], bootImage: null, kernelFromImage: false, rootMode: 'overlay' });
    const p = await fetch(`${base}/api/v1/profiles/diskless`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ overlays: [], rootMode: 'ram' }),
    });
    expect(await p.json()).toMatchObject({ overlays: [], rootMode: 'ram' });
    const empty = await fetchFrom(url(MACS.node1), '127.0.0.2');
    expect(execFileSync('cpio', ['-t', '--quiet'], { input: empty.body, encoding: 'utf8' })).toBe('');
    f.inventory.profiles.update('diskless', { overlays: ['base'], rootMode: 'overlay' });
  });

  it('the up report script reaches rackboot with bash /dev/tcp, and with curl or busybox wget when bash is missing', async () => {
    const r = await fetchFrom(url(MACS.lone), '127.0.0.1');
    execFileSync('cpio', ['-i', '-d', '--quiet', '--no-absolute-filenames'], { input: r.body, cwd: tmp });
    const script = join(tmp, 'usr/local/sbin/rackboot-report');
    const ups = () => f.inventory.eventsOf(MACS.lone).filter((e) => e.stage === 'up').length;
    // Asynchronously: the server answering is in this process. stdin as under systemd (/dev/null).
    const run = (path: string) =>
      new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn('/bin/sh', [script], { env: { PATH: path }, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (status) => resolve({ status, stderr }));
      });
    expect(await run('/usr/bin:/bin')).toEqual({ status: 0, stderr: '' });
    expect(ups()).toBe(1);
    for (const tool of ['curl', 'busybox']) {
      const only = join(tmp, `only-${tool}`);
      mkdirSync(only);
      symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(only, tool));
      expect(await run(only), tool).toEqual({ status: 0, stderr: '' });
    }
    expect(ups()).toBe(3);
  });
});

/** A GET from a chosen loopback address, body as bytes (the archive is binary). */
function fetchFrom(url: string, localAddress: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    import('node:http').then(({ request }) => {
      const req = request(url, { localAddress }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    }, reject);
  });
}
