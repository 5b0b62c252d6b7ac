import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import { parseConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/log.js';
import { Metrics } from '../../../src/metrics.js';
import { FakeBackend, node } from './fake-backend.js';
import { close, listen, requestFrom, tempDatabase } from './helpers.js';

describe('boot routes: iPXE, boot files, report-back (real HTTP)', () => {
  let t: ReturnType<typeof tempDatabase>;
  let server: Server;
  let base: string;
  const initrd = randomBytes(1_000_003); // several 256 KiB chunks and a short tail
  const backend = new FakeBackend([node('n1', '00:02:b3:3f:78:8c', '127.0.0.2'), node('n2', '00:02:b3:3f:78:8d', '127.0.0.3')]);

  beforeAll(async () => {
    t = tempDatabase();
    const boot = join(t.dir, 'boot');
    mkdirSync(join(boot, 'images'), { recursive: true });
    writeFileSync(join(boot, 'pxelinux.0'), Buffer.from([0xeb, 0x3c, 0x90, 0x00]));
    writeFileSync(join(boot, 'images', 'vmlinuz-krg'), 'k'.repeat(10_000));
    writeFileSync(join(boot, 'images', 'initrd.img'), initrd);
    const app = createApp({
      db: t.db,
      inventory: {} as never,
      backend,
      config: parseConfig({}, t.dir),
      logger: silentLogger(),
      metrics: new Metrics(),
      mounts: [{ prefix: '', dir: boot }],
    });
    server = createServer(app);
    base = await listen(server);
  });
  afterAll(async () => {
    await close(server);
    t.cleanup();
  });
  beforeEach(() => {
    backend.stages.length = 0;
  });

  it('serves the iPXE script for a MAC in any form, as text/plain', async () => {
    const r = await requestFrom(`${base}/boot/00-02-B3-3F-78-8C.ipxe`, '127.0.0.2');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.body).toBe('#!ipxe\necho 00:02:b3:3f:78:8c at 127.0.0.2\n');
    const d = await requestFrom(`${base}/boot/default.ipxe`, '127.0.0.9');
    expect(d.body).toBe('#!ipxe\necho unknown at 127.0.0.9\n');
    expect(backend.stages).toEqual([{ hostname: 'n1', stage: 'config', detail: 'http boot/00-02-B3-3F-78-8C.ipxe to 127.0.0.2' }]);
    const bad = await fetch(`${base}/boot/zz.ipxe`);
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/not a MAC address/);
  });

  it('serves boot files and records the stage for the node at that address', async () => {
    const loader = await requestFrom(`${base}/boot/files/pxelinux.0`, '127.0.0.2');
    expect(loader.status).toBe(200);
    const kernel = await fetch(`${base}/boot/files/images/vmlinuz-krg`);
    expect(kernel.status).toBe(200);
    expect(kernel.headers.get('content-length')).toBe('10000');
    expect(await kernel.text()).toBe('k'.repeat(10_000));
    const big = await fetch(`${base}/boot/files/images/initrd.img`);
    expect(Buffer.from(await big.arrayBuffer()).equals(initrd)).toBe(true);
    const head = await fetch(`${base}/boot/files/pxelinux.0`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe('4');
    expect(backend.stages).toEqual([{ hostname: 'n1', stage: 'loader', detail: 'http pxelinux.0 to 127.0.0.2' }]);
  });

  it('renders pxelinux.cfg/* through the backend', async () => {
    const r = await requestFrom(`${base}/boot/files/pxelinux.cfg/default`, '127.0.0.3');
    expect(r.body).toBe('DEFAULT local\n# for 127.0.0.3\n');
    expect(backend.stages).toEqual([{ hostname: 'n2', stage: 'config', detail: 'http pxelinux.cfg/default to 127.0.0.3' }]);
    expect((await fetch(`${base}/boot/files/pxelinux.cfg/01-aa-bb-cc-dd-ee-ff`)).status).toBe(404);
  });

  it('refuses paths and symlinks that climb out, and missing files, with clear messages', async () => {
    const up = await fetch(`${base}/boot/files/..%2f..%2fetc%2fpasswd`);
    expect(up.status).toBe(403);
    expect(((await up.json()) as { error: { message: string } }).error.message).toMatch(/leaves the TFTP root/);
    symlinkSync('/etc/passwd', join(t.dir, 'boot', 'passwd'));
    const link = await fetch(`${base}/boot/files/passwd`);
    expect(link.status).toBe(403);
    expect(((await link.json()) as { error: { message: string } }).error.message).toMatch(/symlink leads out/);
    const missing = await fetch(`${base}/boot/files/nothing.c32`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe('no boot file nothing.c32');
  });

  it('report-back: accepted from the node\'s own address, by GET (busybox wget) or POST', async () => {
    const r = await requestFrom(`${base}/report?stage=up`, '127.0.0.2');
    expect(r).toMatchObject({ status: 200, body: 'ok n1 up\n' });
    const p = await requestFrom(`${base}/report`, '127.0.0.3', {
      method: 'POST',
      body: 'stage=up&detail=kernel%202.6.20',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(p.status).toBe(200);
    expect(backend.stages).toEqual([
      { hostname: 'n1', stage: 'up' },
      { hostname: 'n2', stage: 'up', detail: 'kernel 2.6.20' },
    ]);
  });

  it('report-back: refused from an address no node has, and for stages a node cannot claim', async () => {
    const r = await requestFrom(`${base}/report?stage=up`, '127.0.0.4', { headers: { 'x-forwarded-for': '127.0.0.2' } });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body).error.message).toMatch(/no registered node has address 127\.0\.0\.4/);
    const s = await requestFrom(`${base}/report?stage=ack`, '127.0.0.2');
    expect(s.status).toBe(422);
    expect(backend.stages).toEqual([]);
  });
});
