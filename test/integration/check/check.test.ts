import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsDir, packageRoot } from '../../../src/paths.js';
import { loadMigrations, migrate } from '../../../src/store/migrate.js';
import { freeTcpPort } from '../../helpers/ports.js';

/** `rackboot check --offline` and `config show` through the built binary, on loopback only. */
const BIN = join(packageRoot(), 'dist/src/main.js');

interface Result {
  check: string;
  status: 'ok' | 'warn' | 'fail';
  message: string;
}

const run = (cfg: string, ...args: string[]) => spawnSync(process.execPath, [BIN, '--config', cfg, ...args], { encoding: 'utf8' });

function check(cfg: string, ...extra: string[]): { code: number | null; results: Result[]; text: string } {
  const j = run(cfg, 'check', '--offline', '--json', ...extra);
  const t = run(cfg, 'check', '--offline', ...extra);
  expect(t.status).toBe(j.status);
  return { code: j.status, results: JSON.parse(j.stdout) as Result[], text: t.stdout };
}

const find = (results: Result[], name: string): Result => {
  const r = results.find((x) => x.check === name);
  if (!r) throw new Error(`no check ${name} in ${JSON.stringify(results, null, 2)}`);
  return r;
};


let dir: string;
let seq = 0;

/** A fresh folder with a config (loopback ports, no DHCP, no syslinux fallback) and the given extra YAML. */
async function setup(extra = ''): Promise<{ d: string; cfg: string; tftpPort: number; httpPort: number }> {
  const d = join(dir, `case${++seq}`);
  mkdirSync(join(d, 'boot'), { recursive: true });
  mkdirSync(join(d, 'images'), { recursive: true });
  const tftpPort = await freeTcpPort();
  const httpPort = await freeTcpPort();
  const cfg = join(d, 'rackboot.yaml');
  writeFileSync(cfg, `dataDir: ./var\nserverAddress: 127.0.0.1\ntftp: { address: 127.0.0.1, port: ${tftpPort}, bootDir: ./boot, syslinux: false }\nhttp: { address: 127.0.0.1, port: ${httpPort} }\n${extra}`);
  return { d, cfg, tftpPort, httpPort };
}

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npx tsc -p . first (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), 'rbck-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rackboot check --offline', () => {
  it('a bad key fails the config check with the daemon\'s message, and nothing else runs', async () => {
    const { cfg } = await setup('dhcp: { mode: fulll }\n');
    const { code, results, text } = check(cfg);
    expect(code).toBe(1);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ check: 'config', status: 'fail' });
    expect(results[0]!.message).toMatch(/dhcp\.mode: Invalid option/);
    // The daemon itself refuses the same file with the same message.
    const serve = run(cfg, 'serve');
    expect(serve.status).toBe(2);
    expect(serve.stderr).toContain(results[0]!.message.split('\n')[1]!.trim());
    expect(text).toMatch(/^fail {2}config {2}invalid config in .*rackboot\.yaml:\n {14}dhcp\.mode: /);
  });

  it('a port held by another socket fails naming the port and the process holding it', async () => {
    const { cfg, tftpPort, httpPort } = await setup();
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.bind(tftpPort, '127.0.0.1', () => r()));
    const tcp = createServer();
    await new Promise<void>((r) => tcp.listen(httpPort, '127.0.0.1', () => r()));
    try {
      const { code, results, text } = check(cfg);
      expect(code).toBe(1);
      expect(find(results, 'tftp-port')).toMatchObject({ status: 'fail', message: expect.stringContaining(`UDP 127.0.0.1:${tftpPort} (TFTP): port ${tftpPort} is held by`) });
      expect(find(results, 'tftp-port').message).toContain(`(pid ${process.pid})`);
      expect(find(results, 'http-port')).toMatchObject({ status: 'fail', message: expect.stringContaining(`port ${httpPort} is held by`) });
      expect(text).toMatch(new RegExp(`^fail {2}tftp-port +UDP 127\\.0\\.0\\.1:${tftpPort}`, 'm'));
    } finally {
      udp.close();
      await new Promise((r) => tcp.close(r));
    }
    // Released: both free again, and check itself leaves them free.
    const again = check(cfg).results;
    expect(find(again, 'tftp-port').status).toBe('ok');
    expect(find(again, 'http-port').status).toBe('ok');
  });

  it('names missing loaders, each profile\'s missing kernels and initrds, and catalogue images whose file is gone', async () => {
    const { d, cfg } = await setup();
    writeFileSync(join(d, 'images', 'vmlinuz-ok'), 'kernel');
    writeFileSync(join(d, 'images', 'disk.img'), 'disk');
    expect(run(cfg, 'profile', 'add', 'compute', '--kernel', 'images/vmlinuz-gone', '--initrd', 'images/initrd-gone.img').status).toBe(0);
    expect(run(cfg, 'profile', 'add', 'spare', '--kernel', 'images/vmlinuz-ok', '--initrd', 'images/initrd-spare.img').status).toBe(0);
    expect(run(cfg, 'profile', 'add', 'good', '--kernel', 'images/vmlinuz-ok').status).toBe(0);
    expect(run(cfg, 'node', 'add', '--mac', '52:54:00:00:00:01', '--hostname', 'n1', '--profile', 'compute').status).toBe(0);
    expect(run(cfg, 'image', 'add', 'disk', join(d, 'images', 'disk.img')).status).toBe(0);
    rmSync(join(d, 'images', 'disk.img'));

    const { code, results, text } = check(cfg);
    expect(code).toBe(1);
    expect(find(results, 'loaders')).toMatchObject({ status: 'fail', message: expect.stringContaining(`pxelinux.0 and ldlinux.c32 not found in any TFTP root (${join(d, 'boot')}, ${join(d, 'images')} as images/)`) });
    const compute = find(results, 'profile compute');
    expect(compute.status).toBe('fail'); // n1 boots it
    expect(compute.message).toContain('kernel images/vmlinuz-gone (label compute) not found');
    expect(compute.message).toContain('initrd images/initrd-gone.img (label compute) not found');
    expect(compute.message).toContain('1 node(s) boot it');
    const spare = find(results, 'profile spare');
    expect(spare.status).toBe('warn'); // no node boots it yet
    expect(spare.message).toContain('initrd images/initrd-spare.img (label spare) not found');
    expect(spare.message).not.toContain('vmlinuz-ok');
    expect(find(results, 'profile good').status).toBe('ok');
    expect(find(results, 'images')).toMatchObject({ status: 'fail', message: expect.stringContaining(`disk (${join(d, 'images', 'disk.img')})`) });
    expect(text).toMatch(/^fail {2}profile compute +kernel images\/vmlinuz-gone/m);

    // The files put in place: every boot-file check passes.
    for (const f of ['boot/pxelinux.0', 'boot/ldlinux.c32', 'images/vmlinuz-gone', 'images/initrd-gone.img', 'images/initrd-spare.img', 'images/disk.img']) writeFileSync(join(d, f), 'x');
    const fixed = check(cfg);
    for (const name of ['loaders', 'profile compute', 'profile spare', 'images']) expect(find(fixed.results, name).status).toBe('ok');
    expect(fixed.code).toBe(0);
  });

  it('fails a database from a newer rackboot, warns that serve would migrate an older one, and writes neither', async () => {
    const { d, cfg } = await setup();
    mkdirSync(join(d, 'var'));
    const file = join(d, 'var', 'rackboot.db');
    const latest = loadMigrations(migrationsDir());
    const db = new BetterSqlite3(file);
    migrate(db, latest);
    db.pragma(`user_version = ${latest.length + 1}`);
    db.close();
    const newer = check(cfg);
    expect(newer.code).toBe(1);
    expect(find(newer.results, 'database')).toMatchObject({ status: 'fail', message: expect.stringContaining(`has schema version ${latest.length + 1}, but this rackboot knows only up to ${latest.length}`) });

    rmSync(file);
    const old = new BetterSqlite3(file);
    migrate(old, latest.slice(0, latest.length - 1));
    old.close();
    const older = check(cfg);
    expect(find(older.results, 'database')).toMatchObject({ status: 'warn', message: expect.stringContaining(`serve will migrate it to ${latest.length}`) });
    expect(find(older.results, 'profiles').status).toBe('ok'); // read from a migrated copy
    const after = new BetterSqlite3(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(latest.length - 1);
    after.close();
  });

  it('fails an admin template that does not compile, or names a variable that does not exist', async () => {
    const { d, cfg } = await setup(`templatesDir: ./templates\n`);
    mkdirSync(join(d, 'templates'));
    writeFileSync(join(d, 'templates', 'localboot.hbs'), 'DEFAULT {{#if x}}local\n');
    writeFileSync(join(d, 'templates', 'pxelinux.hbs'), 'DEFAULT {{default}}\nTIMEOUT {{timout}}\n');
    expect(run(cfg, 'profile', 'add', 'p1', '--localboot', '0').status).toBe(0);
    const { code, results } = check(cfg);
    expect(code).toBe(1);
    expect(find(results, 'templates')).toMatchObject({ status: 'fail', message: expect.stringContaining(`${join(d, 'templates', 'localboot.hbs')}:`) });
    expect(find(results, 'rendering')).toMatchObject({ status: 'fail', message: expect.stringMatching(/profile p1, pxelinux\.hbs for an unknown machine: .*timout/) });
  });
});

describe('rackboot serve runs the offline checks at start', () => {
  it('logs what is wrong as warnings and starts anyway', async () => {
    const { cfg } = await setup('logFormat: text\n');
    expect(run(cfg, 'profile', 'add', 'compute', '--kernel', 'images/vmlinuz-gone').status).toBe(0);
    const proc = spawn(process.execPath, [BIN, '--config', cfg, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
    proc.stderr.on('data', (b: Buffer) => (out += b.toString()));
    try {
      const end = Date.now() + 15_000;
      while (!out.includes('rackboot is ready') && proc.exitCode === null && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain('rackboot is ready');
      expect(out).toMatch(/WARN +check loaders: pxelinux\.0 and ldlinux\.c32 not found/);
      expect(out).toMatch(/WARN +check profile compute: kernel images\/vmlinuz-gone \(label compute\) not found/);
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
  });
});

describe('rackboot config show', () => {
  it('prints the effective config as YAML with every default, which loads back as the same config', async () => {
    const { d, cfg, tftpPort } = await setup('dhcp: { mode: proxy }\n');
    const r = run(cfg, 'config', 'show');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`# rackboot effective config of ${cfg}`);
    expect(r.stdout).toContain(`database: ${join(d, 'var', 'rackboot.db')}`);
    expect(r.stdout).toMatch(new RegExp(`tftp:\\n  enabled: true\\n  address: 127\\.0\\.0\\.1\\n  port: ${tftpPort}\\n  bootDir: ${join(d, 'boot')}\\n`));
    expect(r.stdout).toMatch(/dhcp:\n {2}mode: proxy\n/);
    expect(r.stdout).toContain('maxWindowsize: 64'); // a default the file did not give
    expect(r.stdout).not.toMatch(/^configFile:/m); // where it was read from is not a config key
    const copy = join(dir, 'shown.yaml');
    writeFileSync(copy, r.stdout);
    const again = spawnSync(process.execPath, [BIN, '--config', copy, 'config', 'show'], { encoding: 'utf8' });
    expect(again.stdout.split('\n').slice(1)).toEqual(r.stdout.split('\n').slice(1));

    const defaults = run(cfg, 'config', 'show', '--defaults');
    expect(defaults.stdout).toMatch(/tftp:\n {2}enabled: true\n {2}address: 0\.0\.0\.0\n {2}port: 69\n/);
    expect(defaults.stdout).toMatch(/dhcp:\n {2}mode: off\n/);
  });
});
