import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { packageRoot } from '../../../src/paths.js';
import { PACKAGED_CONFIG } from '../../../packaging/build-deb.js';
import { freeTcpPort } from '../../helpers/ports.js';

/**
 * `npm run package` end to end, with the real tools: the .deb is built once (npm ci and the
 * better-sqlite3 compile: a minute or two), checked by lintian and systemd-analyze, extracted
 * (never installed) and run as nobody with the unit's capabilities.
 */
const TOOLS: Record<string, string> = { 'dpkg-deb': 'dpkg', 'dpkg-shlibdeps': 'dpkg-dev', lintian: 'lintian', 'systemd-analyze': 'systemd', setpriv: 'util-linux', strip: 'binutils' };
const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
const isRoot = process.getuid?.() === 0;

let work: string;
let deb: string;
let root: string;
const unitPath = (r: string) => join(r, 'lib/systemd/system/rackboot.service');

beforeAll(() => {
  const missing = Object.entries(TOOLS).filter(([tool]) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (missing.length) throw new Error(`missing tools: apt-get install ${missing.map(([, pkg]) => pkg).join(' ')}`);
  work = mkdtempSync(join(tmpdir(), 'rb-deb-'));
  chmodSync(work, 0o755); // nobody walks into it below
  const build = spawnSync(process.execPath, [join(packageRoot(), 'dist/packaging/build-deb.js'), '--out', work], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build-deb failed:\n${build.stdout}\n${build.stderr}`);
  const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
  deb = join(work, `rackboot_${version}_${arch}.deb`);
  root = join(work, 'root');
  execFileSync('dpkg-deb', ['-x', deb, root]);
}, 900_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm run package: rackboot_<version>_<arch>.deb', () => {
  it('has its control fields, conffile, files and a packaged config that sets only the paths', () => {
    const field = (f: string) => execFileSync('dpkg-deb', ['-f', deb, f], { encoding: 'utf8' }).trim();
    expect(field('Package')).toBe('rackboot');
    expect(field('Version')).toBe(version);
    expect(field('Section')).toBe('net');
    expect(field('Depends')).toMatch(/^nodejs \(>= 20\), adduser, busybox-static, pxelinux, syslinux-common, udpcast, squashfs-tools, libc6/);
    expect(field('Recommends')).toBe('mmdebstrap');
    expect(Number(field('Installed-Size'))).toBeGreaterThan(1000);

    const control = join(work, 'control');
    execFileSync('dpkg-deb', ['-e', deb, control]);
    expect(readFileSync(join(control, 'conffiles'), 'utf8')).toBe('/etc/rackboot/rackboot.yaml\n');
    for (const script of ['postinst', 'prerm', 'postrm']) expect(spawnSync('sh', ['-n', join(control, script)]).status).toBe(0);

    for (const f of ['usr/bin/rackboot', 'usr/lib/rackboot/dist/src/main.js', 'usr/lib/rackboot/dist/src/tftp/worker.js', 'usr/lib/rackboot/migrations/0001_init.sql', 'usr/lib/rackboot/templates/pxelinux.hbs', 'usr/lib/rackboot/initrd/init', 'usr/lib/rackboot/node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'usr/share/doc/rackboot/copyright', 'usr/share/lintian/overrides/rackboot']) {
      expect(existsSync(join(root, f)), f).toBe(true);
    }
    expect(gunzipSync(readFileSync(join(root, 'usr/share/doc/rackboot/changelog.gz'))).toString()).toMatch(new RegExp(`^rackboot \\(${version.replace(/\./g, '\\.')}\\) `));

    const text = readFileSync(join(root, 'etc/rackboot/rackboot.yaml'), 'utf8');
    expect(parseYaml(text)).toEqual(PACKAGED_CONFIG);
    expect(parseConfig(parseYaml(text), '/etc/rackboot').database).toBe('/var/lib/rackboot/rackboot.db');
    expect(text).toMatch(/^ {2}#maxBlksize: 1468$/m);
  });

  it('passes lintian with no errors', () => {
    const r = spawnSync('lintian', ['--fail-on', 'error', deb], { encoding: 'utf8' });
    const tags = r.stdout.split('\n').filter((l) => /^[EW]: /.test(l));
    console.log(`lintian: ${tags.filter((l) => l.startsWith('E')).length} errors, ${tags.filter((l) => l.startsWith('W')).length} warnings`);
    expect(tags.filter((l) => l.startsWith('E: '))).toEqual([]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 180_000);

  it('has a unit systemd-analyze verify accepts, with nothing to say', () => {
    // verify wants ExecStart, ExecReload and the targets the unit names to exist: a root made
    // of the extracted package, /bin/kill and the host's targets.
    const vroot = join(work, 'verify-root');
    cpSync(root, vroot, { recursive: true, verbatimSymlinks: true });
    mkdirSync(join(vroot, 'usr/bin'), { recursive: true });
    cpSync('/usr/bin/kill', join(vroot, 'usr/bin/kill'));
    if (!existsSync(join(vroot, 'bin'))) symlinkSync('usr/bin', join(vroot, 'bin'));
    for (const t of readdirSync('/lib/systemd/system').filter((f) => f.endsWith('.target'))) {
      cpSync(join('/lib/systemd/system', t), join(vroot, 'lib/systemd/system', t), { verbatimSymlinks: true });
    }
    const r = spawnSync('systemd-analyze', ['verify', `--root=${vroot}`, 'rackboot.service'], { encoding: 'utf8' });
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('runs from the extracted package: --version', () => {
    const r = spawnSync(join(root, 'usr/bin/rackboot'), ['--version'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(version);
  });

  it.skipIf(!isRoot)('serves /metrics as nobody with only the unit\'s capabilities (TFTP on a port below 1024)', async () => {
    const unit = readFileSync(unitPath(root), 'utf8');
    const caps = (key: string) => (unit.match(new RegExp(`^${key}=(.*)$`, 'm'))?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
    const setprivCaps = (key: string) => ['-all', ...caps(key).map((c) => `+${c.replace(/^CAP_/, '').toLowerCase()}`)].join(',');
    expect(caps('AmbientCapabilities')).toEqual(caps('CapabilityBoundingSet'));

    const data = join(work, 'data');
    mkdirSync(data);
    chownSync(data, 65534, 65534);
    const tftpPort = await freePrivilegedUdpPort();
    const httpPort = await freeTcpPort();
    const cfg = join(work, 'serve.yaml');
    writeFileSync(cfg, `dataDir: ${data}\nimagesDir: ${data}/images\nserverAddress: 127.0.0.1\nlogFormat: text\ndhcp: { mode: off }\ntftp: { address: 127.0.0.1, port: ${tftpPort}, bootDir: ${data}/boot }\nhttp: { address: 127.0.0.1, port: ${httpPort} }\n`);
    chmodSync(cfg, 0o644);

    const proc = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--no-new-privs', `--inh-caps=${setprivCaps('AmbientCapabilities')}`, `--ambient-caps=${setprivCaps('AmbientCapabilities')}`, `--bounding-set=${setprivCaps('CapabilityBoundingSet')}`, '--', join(root, 'usr/bin/rackboot'), '--config', cfg, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    try {
      for (let end = Date.now() + 20_000; !out.includes('rackboot is ready'); ) {
        if (proc.exitCode !== null || Date.now() > end) throw new Error(`serve never became ready; it printed:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
      expect(status).toMatch(/^Uid:\s+65534\s+65534\s+65534\s+65534$/m);
      expect(status).toMatch(/^CapEff:\s+0000000000000400$/m); // CAP_NET_BIND_SERVICE (10) alone
      const res = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/^rackboot_\w+/m);
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  }, 60_000);
});

/** A UDP port below 1024 nothing holds, so the run proves CAP_NET_BIND_SERVICE reaches the daemon. */
async function freePrivilegedUdpPort(): Promise<number> {
  for (let port = 1000; port > 600; port--) {
    const s = createSocket('udp4');
    const ok = await new Promise<boolean>((r) => {
      s.once('error', () => r(false));
      s.bind(port, '127.0.0.1', () => r(true));
    });
    s.close();
    if (ok) return port;
  }
  throw new Error('no free UDP port in 601..1000');
}

