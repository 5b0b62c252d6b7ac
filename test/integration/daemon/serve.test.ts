import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/paths.js';

const BIN = join(packageRoot(), 'dist/src/main.js');

interface Daemon {
  proc: ChildProcess;
  output: () => string;
  waitFor: (text: string | RegExp, ms?: number) => Promise<void>;
  exited: Promise<number | null>;
}

function startDaemon(configFile: string): Daemon {
  const proc = spawn(process.execPath, [BIN, '--config', configFile, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const waitFor = async (text: string | RegExp, ms = 10_000): Promise<void> => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (typeof text === 'string' ? out.includes(text) : text.test(out)) return;
      if (proc.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`daemon output never showed ${String(text)}; it printed:\n${out}`);
  };
  return { proc, output: () => out, waitFor, exited };
}

async function freePort(type: 'udp4' | 'tcp'): Promise<number> {
  if (type === 'udp4') {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    const p = s.address().port;
    s.close();
    return p;
  }
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const p = (srv.address() as { port: number }).port;
  srv.close();
  return p;
}

const cli = (cfg: string, ...args: string[]) => spawnSync(process.execPath, [BIN, '--config', cfg, ...args], { encoding: 'utf8' });

describe('rackboot serve (one process: TFTP + HTTP on one inventory)', () => {
  let dir: string;
  let cfg: string;
  let tftpPort: number;
  let httpPort: number;
  let daemon: Daemon | undefined;

  beforeAll(async () => {
    if (spawnSync('curl', ['--version']).status !== 0) throw new Error('curl is missing: apt-get install curl');
    dir = mkdtempSync(join(tmpdir(), 'rb-serve-'));
    tftpPort = await freePort('udp4');
    httpPort = await freePort('tcp');
    cfg = join(dir, 'rackboot.yaml');
    writeFileSync(cfg, `dataDir: ./var\nserverAddress: 127.0.0.1\nlogFormat: text\ntftp: { address: 127.0.0.1, port: ${tftpPort} }\nhttp: { address: 127.0.0.1, port: ${httpPort} }\n`);
    expect(cli(cfg, 'profile', 'add', 'diskless', '--kernel', 'images/vmlinuz', '--initrd', 'images/initrd.img', '--args', 'console=ttyS0').status).toBe(0);
    expect(cli(cfg, 'node', 'add', '--mac', '52:54:00:00:00:01', '--hostname', 'n1', '--ip', '127.0.0.1', '--node-id', '4', '--profile', 'diskless').status).toBe(0);
  });

  afterEach(async () => {
    if (daemon && daemon.proc.exitCode === null) {
      daemon.proc.kill('SIGKILL');
      await daemon.exited;
    }
    daemon = undefined;
  });

  it('says what it serves, serves rendered configs over TFTP and iPXE over HTTP, takes CLI changes live, and stops on SIGTERM', async () => {
    daemon = startDaemon(cfg);
    await daemon.waitFor('rackboot is ready');
    expect(daemon.output()).toContain(`TFTP on 127.0.0.1:${tftpPort}`);
    expect(daemon.output()).toContain(`HTTP on 127.0.0.1:${httpPort}`);
    expect(daemon.output()).toContain('DHCP off');

    const tftp = (path: string) => spawnSync('curl', ['-s', '--max-time', '10', `tftp://127.0.0.1:${tftpPort}/${path}`], { encoding: 'utf8' });
    expect(tftp('pxelinux.cfg/01-52-54-00-00-00-01').stdout).toContain('APPEND initrd=images/initrd.img console=ttyS0 node_id=4\n');
    expect(tftp('X86PC/linux/pxelinux.cfg/01-52-54-00-00-00-01').stdout).toContain('node_id=4');

    // A CLI change is served on the next request, without a restart.
    expect(cli(cfg, 'node', 'set', 'n1', '--node-id', '9').status).toBe(0);
    expect(tftp('pxelinux.cfg/01-52-54-00-00-00-01').stdout).toContain('node_id=9');

    const ipxe = await fetch(`http://127.0.0.1:${httpPort}/boot/52:54:00:00:00:01.ipxe`);
    expect(ipxe.status).toBe(200);
    expect(await ipxe.text()).toContain(`kernel http://127.0.0.1:${httpPort}/boot/files/images/vmlinuz`);

    // Report-back from the node's own address records the final stage.
    expect((await fetch(`http://127.0.0.1:${httpPort}/report?stage=up`)).status).toBeLessThan(300);
    const shown = JSON.parse(cli(cfg, 'node', 'show', 'n1', '--json').stdout) as { lastStage: string; events: { stage: string }[] };
    expect(shown.lastStage).toBe('up');
    expect(shown.events.map((e) => e.stage)).toEqual(expect.arrayContaining(['config', 'up']));

    daemon.proc.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    expect(daemon.output()).toContain('rackboot stopped');
  });

  it('SIGHUP reloads the config file; a broken one is refused and the running config kept', async () => {
    const good = `dataDir: ./var\nserverAddress: 127.0.0.1\nlogFormat: text\ntftp: { address: 127.0.0.1, port: ${tftpPort} }\nhttp: { address: 127.0.0.1, port: ${httpPort} }\n`;
    daemon = startDaemon(cfg);
    await daemon.waitFor('rackboot is ready');
    try {
      const newHttp = await freePort('tcp');
      const reloaded = join(dir, 'rackboot.yaml');
      writeFileSync(reloaded, `dataDir: ./var\nserverAddress: 127.0.0.1\nlogFormat: text\ntftp: { address: 127.0.0.1, port: ${tftpPort} }\nhttp: { address: 127.0.0.1, port: ${newHttp} }\n`);
      daemon.proc.kill('SIGHUP');
      await daemon.waitFor('SIGHUP: config reloaded');
      expect((await fetch(`http://127.0.0.1:${newHttp}/healthz`)).status).toBe(200);
      writeFileSync(reloaded, 'tftp: { port: "x" }\n');
      daemon.proc.kill('SIGHUP');
      await daemon.waitFor(/SIGHUP: config not reloaded[\s\S]*tftp\.port/);
      expect((await fetch(`http://127.0.0.1:${newHttp}/healthz`)).status).toBe(200);
    } finally {
      writeFileSync(cfg, good);
    }
  });

  it('a port in use gets an actionable error and a non-zero exit', async () => {
    const blocker = createSocket('udp4');
    await new Promise<void>((r) => blocker.bind(tftpPort, '127.0.0.1', () => r()));
    try {
      daemon = startDaemon(cfg);
      expect(await daemon.exited).toBe(2);
      expect(daemon.output()).toMatch(new RegExp(`TFTP cannot listen on 127.0.0.1:${tftpPort}/udp: the port is in use by another program`));
    } finally {
      blocker.close();
    }
  });

  it('a privileged port without root or CAP_NET_BIND_SERVICE says how to fix it', async () => {
    if (process.getuid?.() !== 0) throw new Error('this test needs root (to run the daemon as nobody)');
    const d = mkdtempSync(join(tmpdir(), 'rb-nobody-'));
    chmodSync(d, 0o777);
    const file = join(d, 'rackboot.yaml');
    writeFileSync(file, `dataDir: ./var\nlogFormat: text\ntftp: { address: 127.0.0.1, port: 69 }\nhttp: { enabled: false }\nmulticast: { enabled: false }\n`);
    const r = spawnSync(process.execPath, [BIN, '--config', file, 'serve'], { encoding: 'utf8', uid: 65534, gid: 65534, timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('TFTP cannot listen on 127.0.0.1:69/udp: ports below 1024 need root or CAP_NET_BIND_SERVICE');
    expect(r.stderr).toContain('setcap cap_net_bind_service=+ep');
  });

  it('a missing provisioning interface is named, with the ones that exist', async () => {
    const file = join(dir, 'noif.yaml');
    writeFileSync(file, `dataDir: ./var\ninterface: rbnosuch0\nlogFormat: text\ntftp: { address: 127.0.0.1, port: ${tftpPort} }\nhttp: { address: 127.0.0.1, port: ${httpPort} }\n`);
    daemon = startDaemon(file);
    expect(await daemon.exited).toBe(2);
    expect(daemon.output()).toMatch(/config interface: no interface named rbnosuch0 on this machine \(interfaces with IPv4: lo/);
  });

  it('an invalid config names the key and what is wrong', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'http: { port: 99999 }\nbogus: 1\n');
    daemon = startDaemon(bad);
    expect(await daemon.exited).toBe(2);
    expect(daemon.output()).toContain('http.port');
    expect(daemon.output()).toContain('Unrecognized key: "bogus"');
  });
});
