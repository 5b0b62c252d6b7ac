import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { templatesDir } from '../../../src/paths.js';
import { ValidationError } from '../../../src/errors.js';
import { seedKerrighed, testInventory } from './helpers.js';

const golden = (name: string): string => readFileSync(join(__dirname, '../../golden/boot', name), 'utf8');

function setup() {
  const t = testInventory();
  seedKerrighed(t.inventory);
  t.inventory.nodes.add({ mac: '00:02:b3:3f:78:8c', hostname: 'node1', ip: '10.0.1.31', cluster: 'krg', profile: '2.6.20-krg' });
  t.inventory.nodes.add({ mac: '00:02:b3:3f:78:8d', hostname: 'node2', ip: '10.0.1.32', cluster: 'krg', profile: 'krg-menu', extraArgs: 'console=ttyS0' });
  return t;
}

describe('rendered boot files (golden)', () => {
  it('pxelinux.cfg/01-<mac> has the shape admins write by hand', () => {
    const { backend } = setup();
    expect(backend.renderPxelinuxConfig('01-00-02-b3-3f-78-8c', '10.0.1.31')!.toString()).toBe(golden('pxelinux-node1.cfg'));
  });
  it('a menu profile: DISPLAY, F1, several labels, NFS root, LOCALBOOT, per-node extra args', () => {
    const { backend } = setup();
    expect(backend.renderPxelinuxConfig('01-00-02-b3-3f-78-8d', '10.0.1.32')!.toString()).toBe(golden('pxelinux-node2.cfg'));
  });
  it('the iPXE script boots the default label over HTTP', () => {
    const { backend } = setup();
    expect(backend.renderIpxeScript('00:02:b3:3f:78:8c', '10.0.1.31').toString()).toBe(golden('node1.ipxe'));
  });
  it('kerrighed_nodes lists session, nbmin and hostname:iface in node_id order', () => {
    const { inventory } = setup();
    expect(inventory.export('kerrighed', { cluster: 'krg' })).toBe(golden('kerrighed_nodes'));
  });
  it('unknown machines get local boot by default', () => {
    const { backend } = setup();
    expect(backend.renderPxelinuxConfig('default', '10.0.9.9')!.toString()).toBe(golden('localboot.cfg'));
  });
  it('exports dhcpd host blocks and /etc/hosts', () => {
    const { inventory } = setup();
    expect(inventory.export('dhcpd')).toBe(golden('dhcpd-hosts.conf'));
    expect(inventory.export('hosts')).toBe(golden('hosts'));
  });
});

describe('pxelinux search order', () => {
  it('answers 01-<mac> for registered nodes only, so pxelinux falls through for others', () => {
    const { backend } = setup();
    expect(backend.renderPxelinuxConfig('01-aa-bb-cc-dd-ee-ff', '10.0.1.31')).toBeUndefined();
  });
  it('answers the full hex IP name for the node at that address, not its prefixes', () => {
    const { backend } = setup();
    expect(backend.renderPxelinuxConfig('0A00011F', '10.0.1.31')!.toString()).toBe(golden('pxelinux-node1.cfg'));
    expect(backend.renderPxelinuxConfig('0A00011', '10.0.1.31')).toBeUndefined();
    expect(backend.renderPxelinuxConfig('0A00011F', '10.0.1.32')).toBeUndefined();
  });
  it('answers default with the node found by address, else the unknown-machine policy', () => {
    const { backend } = setup();
    expect(backend.renderPxelinuxConfig('default', '10.0.1.31')!.toString()).toBe(golden('pxelinux-node1.cfg'));
  });
  it('an unknown machine gets the discovery profile when the policy says so', () => {
    const t = testInventory({ policy: { unknown: 'profile', defaultProfile: 'discovery' } });
    t.inventory.profiles.add({ name: 'discovery', labels: [{ name: 'discover', kernel: 'images/vmlinuz', initrds: ['images/discover.img'], args: 'console=ttyS0' }] });
    expect(t.backend.renderPxelinuxConfig('default', '10.0.9.9')!.toString()).toContain('APPEND initrd=images/discover.img console=ttyS0\n');
    expect(t.backend.renderPxelinuxConfig('default', '10.0.9.9')!.toString()).not.toContain('node_id');
  });
});

describe('templates', () => {
  it('are strict: a missing variable is an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-tpl-'));
    writeFileSync(join(dir, 'pxelinux.hbs'), 'DEFAULT {{defualt}}\n');
    const t = testInventory({ templateDirs: [dir, templatesDir()] });
    seedKerrighed(t.inventory);
    t.inventory.nodes.add({ mac: '00:02:b3:3f:78:8c', hostname: 'node1', profile: '2.6.20-krg' });
    expect(() => t.backend.renderPxelinuxConfig('01-00-02-b3-3f-78-8c', '10.0.0.5')).toThrow(/defualt/);
  });
  it('an admin override in the templates folder wins over the built-in one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-tpl-'));
    writeFileSync(join(dir, 'kerrighed_nodes.hbs'), '# site file\nsession={{sessionId}}\n');
    const t = testInventory({ templateDirs: [dir, templatesDir()] });
    seedKerrighed(t.inventory);
    expect(t.inventory.export('kerrighed', { cluster: 'krg' })).toBe('# site file\nsession=1\n');
  });
  it('refuses to render a value with a newline even if it reached the database by hand', () => {
    const t = setup();
    t.db.prepare("UPDATE profile_labels SET args = 'quiet\nLABEL evil' WHERE name = '2.6.20-krg'").run();
    expect(() => t.backend.renderPxelinuxConfig('01-00-02-b3-3f-78-8c', '10.0.1.31')).toThrow(ValidationError);
  });
});

describe('push image (replacing dolly)', () => {
  it('passes image, sha256, port base and report URL on the kernel line, before node_id', async () => {
    const { Renderer } = await import('../../../src/boot/renderer.js');
    const { createBootBackend } = await import('../../../src/inventory/boot-backend.js');
    const t = testInventory();
    seedKerrighed(t.inventory);
    t.db.prepare("INSERT INTO images (name, path, size, sha256, kind, added_at) VALUES ('krg-root', '/srv/krg.img', 10, 'ab12', 'disk', 'x')").run();
    t.inventory.profiles.update('2.6.20-krg', { pushImage: 'krg-root' });
    t.inventory.nodes.add({ mac: '00:02:b3:3f:78:8c', hostname: 'node1', cluster: 'krg', profile: '2.6.20-krg' });
    const renderer = new Renderer({ templateDirs: [templatesDir()], httpBase: 'http://10.0.0.1:8080/boot/files', push: { portBase: 9002, reportUrl: 'http://10.0.0.1:8080/report' } });
    const backend = createBootBackend(t.db, renderer, { unknown: 'localboot', defaultProfile: null });
    expect(backend.renderPxelinuxConfig('01-00-02-b3-3f-78-8c', '0.0.0.0')!.toString()).toContain(
      '  APPEND initrd=images/kerrighed-2.6.20-krg.rdz ramdisk_size=256000 rackboot.image=krg-root rackboot.sha256=ab12 rackboot.portbase=9002 rackboot.report=http://10.0.0.1:8080/report node_id=1\n',
    );
    expect(() => t.inventory.images.remove('krg-root')).toThrow(/push image of profile\(s\) 2.6.20-krg/);
    expect(() => t.inventory.profiles.update('2.6.20-krg', { pushImage: 'nope' })).toThrow(/no image "nope"/);
    expect(t.inventory.profiles.update('2.6.20-krg', { pushImage: null }).pushImage).toBeNull();
  });
});
