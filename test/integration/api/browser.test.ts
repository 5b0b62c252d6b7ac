import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import { Metrics } from '../../../src/metrics.js';
import { PushManager } from '../../../src/multicast/manager.js';
import { requestFrom, startApi } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
/** Screenshots land here for a human to look at (git-ignored). */
const SHOTS = join('var', 'rbta-screenshots');

describe('web page in headless Chromium (Debian chromium + playwright-core)', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  let browser: Browser;
  let manager: PushManager | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install the Debian package "chromium" (apt-get install -y chromium; listed in .ci/apt-packages)`);
    api = await startApi({
      config: { multicast: { interface: 'lo', portBase: 40_000 + 2 * Math.floor(Math.random() * 5000) } },
      pushes: (db, config) => (manager = new PushManager({ db, config, log: silentLogger(), metrics: new Metrics() })),
    });
    api.inventory.clusters.add({ name: 'kerrighed', sessionId: 3 });
    api.inventory.profiles.add({
      name: 'krg',
      labels: [{ name: 'linux', kernel: 'images/vmlinuz-2.6.20-krg', initrds: ['images/initrd-krg.img'], args: 'root=/dev/nfs ro' }],
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await manager?.close();
    await api?.stop();
  });

  it('logs in, registers a node, sees it listed with a live stage, opens its pxelinux.cfg', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // 401 (wrong token) and 409 (duplicate) are expected responses; anything else is a fault.
    page.on('console', (m) => m.type() === 'error' && !/status of (401|409)/.test(m.text()) && errors.push(m.text()));

    await page.goto(`${api.base}/ui/nodes`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#token', 'rbt_wrong');
    await page.click('button[type=submit]');
    await expect(page.locator('.error').textContent()).resolves.toMatch(/Unknown or revoked token/);

    await page.fill('#token', api.admin);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/ui\/nodes$/);
    const cookie = (await context.cookies()).find((c) => c.name === 'rackboot_token');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });

    await page.fill('form.grid input[name=mac]', '00-02-B3-3F-78-8C');
    await page.fill('form.grid input[name=hostname]', 'n1');
    await page.fill('form.grid input[name=ip]', '127.0.0.2');
    await page.fill('form.grid input[name=rack]', 'r1');
    await page.selectOption('form.grid select[name=cluster]', 'kerrighed');
    await page.selectOption('form.grid select[name=profile]', 'krg');
    await page.click('form.grid button[type=submit]');
    await page.waitForURL(/\/ui\/nodes\/n1\?done=registered$/);
    await expect(page.locator('.flash').textContent()).resolves.toBe('Registered n1 (00:02:b3:3f:78:8c).');

    await page.click('nav >> text=Nodes');
    const row = page.locator('#nodes tbody tr', { hasText: 'n1' });
    await expect(row.locator('td').allTextContents()).resolves.toEqual(['n1', 'r1', '1', '127.0.0.2', '00:02:b3:3f:78:8c', 'kerrighed', 'krg', '—', '']);

    // The node reports back; the table updates without a reload.
    expect((await requestFrom(`${api.base}/report?stage=up`, '127.0.0.2')).status).toBe(200);
    await page.locator('#nodes tbody tr', { hasText: 'n1' }).locator('.stage-up').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS, 'nodes.png'), fullPage: true });

    // A duplicate registration shows the error on the page, keeping what was typed.
    await page.fill('form.grid input[name=mac]', '00:02:b3:3f:78:8c');
    await page.fill('form.grid input[name=hostname]', 'n2');
    await page.click('form.grid button[type=submit]');
    await expect(page.locator('.error').textContent()).resolves.toMatch(/MAC 00:02:b3:3f:78:8c is already registered to node n1/);
    await expect(page.inputValue('form.grid input[name=hostname]')).resolves.toBe('n2');

    await page.goto(`${api.base}/ui/nodes`);
    await page.click('#nodes a:text("n1")');
    await page.waitForURL(/\/ui\/nodes\/n1$/);
    const cfg = await page.locator('#pxelinux-cfg').textContent();
    expect(cfg).toMatch(/^DEFAULT linux$/m);
    expect(cfg).toMatch(/KERNEL images\/vmlinuz-2\.6\.20-krg/);
    await expect(page.locator('h2#pxelinux').textContent()).resolves.toBe('pxelinux.cfg/01-00-02-b3-3f-78-8c');
    await expect(page.locator('table tbody tr').first().textContent()).resolves.toMatch(/up/);
    await page.screenshot({ path: join(SHOTS, 'node.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('approves a discovered machine in one click, and escapes what DHCP clients send', async () => {
    api.backend.recordDiscovered({ mac: '52:54:00:12:34:56', arch: 7, uuid: null, vendorClass: '<img src=x onerror=alert(1)>', giaddr: null, circuitId: null, remoteId: null });
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    let dialogs = 0;
    page.on('dialog', (d) => (dialogs++, void d.dismiss()));
    await page.goto(`${api.base}/login`);
    await page.fill('#token', api.admin);
    await page.click('button[type=submit]');
    await page.click('nav >> text=Discovered');
    const row = page.locator('tbody tr', { hasText: '52:54:00:12:34:56' });
    await expect(row.locator('td').nth(2).textContent()).resolves.toBe('<img src=x onerror=alert(1)>');
    await page.screenshot({ path: join(SHOTS, 'discovered.png'), fullPage: true });
    await row.locator('button:text("Approve")').click();
    await page.waitForURL(/\/ui\/nodes\/n-123456\?done=approved$/);
    expect(dialogs).toBe(0);
    expect(api.inventory.nodes.get('n-123456').mac).toBe('52:54:00:12:34:56');
    await context.close();
  });

  it('a read-only token sees the pages but no forms that change anything', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${api.base}/login`);
    await page.fill('#token', api.viewer);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/ui\/nodes$/);
    await expect(page.locator('.who span').textContent()).resolves.toBe('viewer (read-only)');
    await expect(page.locator('form.grid').count()).resolves.toBe(0);
    await context.close();
  });

  it('shows a push with its receivers live, and cancels it from the page', async () => {
    const file = join(api.dir, 'disk.img');
    writeFileSync(file, Buffer.alloc(64 * 1024, 1));
    const image = (await api.inventory.images.add('disk', file)).name;
    const push = await api.call('POST', '/api/v1/pushes', { target: 'n1', image });
    expect(push.status).toBe(201);
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.goto(`${api.base}/login`);
    await page.fill('#token', api.admin);
    await page.click('button[type=submit]');
    await page.click('nav >> text=Pushes');
    const box = page.locator(`section[data-push="${push.json.id}"]`);
    await box.waitFor();
    await expect(box.locator('h2').textContent()).resolves.toBe(`Push ${push.json.id}: ${image} → n1`);
    await expect(box.locator('tbody tr td').first().textContent()).resolves.toBe('n1');
    await page.screenshot({ path: join(SHOTS, 'pushes.png'), fullPage: true });
    await box.locator('button', { hasText: 'Cancel push' }).click();
    await page.waitForURL(/\/ui\/pushes$/);
    await expect(page.locator(`section[data-push="${push.json.id}"] p.state`).textContent()).resolves.toMatch(/^cancelled .*cancelled by web:admin$/);
    await context.close();
  });
});
