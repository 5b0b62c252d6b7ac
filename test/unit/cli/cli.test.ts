import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/db.js';
import { createBootBackend } from '../../../src/inventory/boot-backend.js';
import { Renderer } from '../../../src/boot/renderer.js';
import { packageRoot, templatesDir } from '../../../src/paths.js';

const BIN = join(packageRoot(), 'dist/src/main.js');

function cli(db: string, ...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, '--db', db, ...args], { encoding: 'utf8', cwd: tmpdir() });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('rackboot CLI (built binary)', () => {
  let db: string;
  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build (npm test does it)`);
    db = join(mkdtempSync(join(tmpdir(), 'rb-cli-')), 'inv.db');
    expect(cli(db, 'cluster', 'add', 'krg', '--session', '1', '--nbmin', '2').code).toBe(0);
    expect(
      cli(db, 'profile', 'add', '2.6.20-krg', '--kernel', 'images/vmlinuz-2.6.20-krg', '--initrd', 'images/kerrighed-2.6.20-krg.rdz', '--args', 'ramdisk_size=256000', '--menu-label', '2.6.20-krg diskless').code,
    ).toBe(0);
  });

  it('registers a node and renders exactly what it would be served', () => {
    const add = cli(db, 'node', 'add', '--mac', '00-02-B3-3F-78-8C', '--hostname', 'node1', '--ip', '10.0.1.31', '--cluster', 'krg', '--profile', '2.6.20-krg');
    expect(add).toMatchObject({ code: 0, err: '' });
    expect(add.out).toContain('added node1 00:02:b3:3f:78:8c 10.0.1.31 node_id=1');
    const r = cli(db, 'render', '--mac', '0002b33f788c');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'PROMPT 1\nDEFAULT 2.6.20-krg\nTIMEOUT 5\nLABEL 2.6.20-krg\n  MENU LABEL 2.6.20-krg diskless\n  KERNEL images/vmlinuz-2.6.20-krg\n  APPEND initrd=images/kerrighed-2.6.20-krg.rdz ramdisk_size=256000 node_id=1\n',
    );
    expect(cli(db, 'render', '--cluster', 'krg', '--what', 'kerrighed_nodes').out).toBe('session=1\nnbmin=2\nnode1:eth0\n');
    const list = JSON.parse(cli(db, 'node', 'list', '--json').out) as { hostname: string }[];
    expect(list.map((n) => n.hostname)).toContain('node1');
  });

  it('bad input: message on stderr, non-zero exit, nothing written', () => {
    const before = cli(db, 'node', 'list', '--json').out;
    const bad = cli(db, 'node', 'add', '--mac', '00:02:b3:3f:78', '--hostname', 'n9');
    expect(bad.code).toBe(2);
    expect(bad.out).toBe('');
    expect(bad.err).toMatch(/^rackboot: mac: "00:02:b3:3f:78" is not a MAC address: it has 10 hex digits/);
    expect(cli(db, 'node', 'add', '--mac', '00:02:b3:3f:78:99', '--hostname', 'node1').err).toMatch(/hostname node1 is already registered/);
    expect(cli(db, 'node', 'show', 'ghost')).toMatchObject({ code: 3 });
    expect(cli(db, 'node', 'list', '--json').out).toBe(before);
  });

  it('import is all-or-nothing and names the bad line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-cli-'));
    const file = join(dir, 'n.csv');
    writeFileSync(file, '00:02:b3:3f:78:a0,n20,10.0.1.20,\n00:02:b3:3f:78:a1,n21,10.0.1.300,\n');
    const r = cli(db, 'import', 'csv', file, '--cluster', 'krg');
    expect(r.code).toBe(2);
    expect(r.err).toContain('line 2: ip: "10.0.1.300" is not a dotted-quad IPv4 address');
    expect(cli(db, 'node', 'show', 'n20').code).toBe(3);
  });

  it('a change made by the CLI is seen by an already-open daemon connection without a restart', () => {
    const daemonDb = openDatabase(db);
    const backend = createBootBackend(daemonDb, new Renderer({ templateDirs: [templatesDir()], httpBase: 'http://x' }), { unknown: 'localboot', defaultProfile: null });
    expect(backend.nodeByMac('00:02:b3:3f:78:77')).toBeUndefined();
    expect(cli(db, 'node', 'add', '--mac', '00:02:b3:3f:78:77', '--hostname', 'late', '--cluster', 'krg', '--profile', '2.6.20-krg').code).toBe(0);
    expect(backend.nodeByMac('00:02:b3:3f:78:77')?.hostname).toBe('late');
    expect(cli(db, 'node', 'set', 'late', '--extra-args', 'console=ttyS0').code).toBe(0);
    expect(backend.renderPxelinuxConfig('01-00-02-b3-3f-78-77', '0.0.0.0')!.toString()).toContain('node_id=2 console=ttyS0');
    daemonDb.close();
  });

  it('push list --json and push show --json print JSON, not the table', () => {
    expect(JSON.parse(cli(db, 'push', 'list', '--json').out)).toEqual([]);
    expect(cli(db, 'push', 'show', '99', '--json').code).toBe(3);
  });

  it('records an image with its size and sha256', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-cli-'));
    writeFileSync(join(dir, 'vmlinuz-test'), 'kernel bytes');
    const r = cli(db, 'image', 'add', 'k1', join(dir, 'vmlinuz-test'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('(kernel)');
    expect(r.out).toContain('12 bytes sha256 8daf3e4f39d310222b89e05b97f1aa56319811c728a147e8c6c86448f534194f');
    const img = (JSON.parse(cli(db, 'image', 'list', '--json').out) as { name: string; sha256: string; size: number }[]).find((i) => i.name === 'k1')!;
    expect(img).toMatchObject({ size: 12, sha256: createHash('sha256').update('kernel bytes').digest('hex') });
  });
});
