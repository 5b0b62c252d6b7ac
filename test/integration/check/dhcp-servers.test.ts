import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/paths.js';

/**
 * The rogue-DHCP check on a real segment: a veth pair between two network namespaces,
 * dnsmasq answering DHCP in rbck-srv, `rackboot check` in rbck-cli. Nothing leaves them.
 */
const BIN = join(packageRoot(), 'dist/src/main.js');
const SRV = 'rbck-srv';
const CLI = 'rbck-cli';
const sh = (cmd: string): string => execFileSync('sh', ['-c', cmd], { encoding: 'utf8' });

interface Result {
  check: string;
  status: string;
  message: string;
}

let dir: string;
let dnsmasq: ChildProcess | undefined;
let dnsmasqOut = '';

function removeNamespaces(): void {
  for (const ns of sh('ip netns list').split('\n').map((l) => l.split(' ')[0]!)) if (ns === SRV || ns === CLI) sh(`ip netns del ${ns}`);
}

/**
 * dnsmasq answering DHCP in rbck-srv. By default it pings an address before offering it and
 * answers only after that 3 s ping wait; `noPing` makes it answer at once.
 */
function startDnsmasq(noPing = true): Promise<void> {
  dnsmasqOut = '';
  dnsmasq = spawn('ip', ['netns', 'exec', SRV, 'dnsmasq', ...(noPing ? ['--no-ping'] : []), '--no-daemon', '--conf-file=/dev/null', '--port=0', '--pid-file=', '--user=root', '--interface=rbck-s0', '--bind-interfaces', '--dhcp-range=10.99.7.100,10.99.7.150,255.255.255.0,1h', `--dhcp-leasefile=${join(dir, 'dnsmasq.leases')}`, '--dhcp-boot=pxelinux.0', '--log-dhcp', '--log-facility=-'], { stdio: ['ignore', 'pipe', 'pipe'] });
  dnsmasq.stdout!.on('data', (b: Buffer) => (dnsmasqOut += b.toString()));
  dnsmasq.stderr!.on('data', (b: Buffer) => (dnsmasqOut += b.toString()));
  return new Promise((resolve, reject) => {
    const end = Date.now() + 10_000;
    const poll = (): void => {
      if (/started, version/.test(dnsmasqOut)) return resolve();
      if (dnsmasq!.exitCode !== null || Date.now() > end) return reject(new Error(`dnsmasq did not start:\n${dnsmasqOut}`));
      setTimeout(poll, 50);
    };
    poll();
  });
}

async function stopDnsmasq(): Promise<void> {
  if (!dnsmasq || dnsmasq.exitCode !== null) return;
  const exited = new Promise((r) => dnsmasq!.once('exit', r));
  dnsmasq.kill('SIGTERM');
  await exited;
}

function config(mode: string): string {
  const f = join(dir, `${mode}.yaml`);
  writeFileSync(f, `dataDir: ./var-${mode}\ninterface: rbck-c0\nserverAddress: 10.99.7.2\ndhcp: { mode: ${mode}, subnets: [{ network: 10.99.7.0/24, pools: [{ start: 10.99.7.200, end: 10.99.7.210 }] }] }\n`);
  return f;
}

/** `rackboot check --json` in the client namespace; its dhcp-servers result. */
function check(mode: string, ...extra: string[]): { code: number | null; result: Result; stdout: string } {
  const r = spawnSync('ip', ['netns', 'exec', CLI, process.execPath, BIN, '--config', config(mode), 'check', '--json', ...extra], { encoding: 'utf8', timeout: 30_000 });
  const results = JSON.parse(r.stdout) as Result[];
  const result = results.find((x) => x.check === 'dhcp-servers');
  if (!result) throw new Error(`no dhcp-servers result:\n${r.stdout}\n${r.stderr}`);
  return { code: r.status, result, stdout: r.stdout };
}

beforeAll(() => {
  if (process.getuid?.() !== 0) throw new Error('the rogue-DHCP test creates network namespaces and needs root');
  for (const tool of ['ip', 'dnsmasq']) if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is missing: install the Debian package ${tool === 'ip' ? 'iproute2' : 'dnsmasq'}`);
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npx tsc -p . first (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), 'rbck-dhcp-'));
  removeNamespaces();
  sh(`ip netns add ${SRV} && ip netns add ${CLI}`);
  sh(`ip link add rbck-s0 netns ${SRV} type veth peer name rbck-c0 netns ${CLI}`);
  sh(`ip -n ${SRV} link set lo up && ip -n ${CLI} link set lo up && ip -n ${SRV} link set rbck-s0 up && ip -n ${CLI} link set rbck-c0 up`);
  sh(`ip -n ${SRV} addr add 10.99.7.1/24 dev rbck-s0 && ip -n ${CLI} addr add 10.99.7.2/24 dev rbck-c0`);
});

afterEach(stopDnsmasq);

afterAll(() => {
  removeNamespaces();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('rackboot check: another DHCP server on the provisioning segment', () => {
  it('full mode: warns, naming dnsmasq\'s address and what it offered', async () => {
    await startDnsmasq();
    const { result } = check('full');
    expect(result.status).toBe('warn');
    expect(result.message).toMatch(/^1 other DHCP server\(s\) answer rbck-c0: 10\.99\.7\.1 offered address 10\.99\.7\.1(\d\d|50), .*boot file pxelinux\.0\. rackboot is in full mode: two servers will fight/);
    // It really went over the wire (dnsmasq's log may come a moment after its answer).
    for (let i = 0; i < 60 && !/DHCPOFFER\(rbck-s0\)/.test(dnsmasqOut); i++) await new Promise((r) => setTimeout(r, 50));
    expect(dnsmasqOut).toMatch(/DHCPDISCOVER\(rbck-s0\)[\s\S]*DHCPOFFER\(rbck-s0\)/);
  });

  it('--wait: a server that pings before offering (dnsmasq\'s default, 3 s) is heard with a longer wait', async () => {
    await startDnsmasq(false);
    const { result } = check('full', '--wait', '5');
    expect(result.status).toBe('warn');
    expect(result.message).toMatch(/^1 other DHCP server\(s\) answer rbck-c0: 10\.99\.7\.1 offered address 10\.99\.7\.\d+/);
  });

  it('proxy mode: the other server is expected, and named', async () => {
    await startDnsmasq();
    const { result } = check('proxy');
    expect(result.status).toBe('ok');
    expect(result.message).toMatch(/^10\.99\.7\.1 offered address 10\.99\.7\.\d+, .*expected in proxy mode/);
  });

  it('with no other server: ok, "no other DHCP server answered within 2 s"', () => {
    const started = Date.now();
    const { result } = check('full');
    expect(result).toEqual({ check: 'dhcp-servers', status: 'ok', message: 'no other DHCP server answered within 2 s on rbck-c0' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  });

  it('--offline sends nothing', async () => {
    await startDnsmasq();
    const r = spawnSync('ip', ['netns', 'exec', CLI, process.execPath, BIN, '--config', config('full'), 'check', '--offline', '--json'], { encoding: 'utf8' });
    expect((JSON.parse(r.stdout) as Result[]).map((x) => x.check)).not.toContain('dhcp-servers');
    await new Promise((res) => setTimeout(res, 300));
    expect(dnsmasqOut).not.toMatch(/DHCPDISCOVER/);
  });
});

describe('rackboot check beside a running rackboot', () => {
  it('names rackboot\'s own answer as such, not as a rogue, and the port it holds', async () => {
    const f = join(dir, 'self.yaml');
    writeFileSync(f, `dataDir: ./var-self\ninterface: rbck-s0\nserverAddress: 10.99.7.1\nlogFormat: text\ntftp: { enabled: false }\nhttp: { enabled: false }\nmulticast: { enabled: false }\ndhcp: { mode: full, subnets: [{ network: 10.99.7.0/24, pools: [{ start: 10.99.7.200, end: 10.99.7.210 }] }] }\n`);
    const serve = spawn('ip', ['netns', 'exec', SRV, process.execPath, BIN, '--config', f, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    serve.stdout.on('data', (b: Buffer) => (out += b.toString()));
    try {
      for (let i = 0; i < 200 && !out.includes('rackboot is ready'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain('rackboot is ready');
      const r = spawnSync('ip', ['netns', 'exec', SRV, process.execPath, BIN, '--config', f, 'check', '--json'], { encoding: 'utf8', timeout: 30_000 });
      const results = JSON.parse(r.stdout) as Result[];
      expect(r.status).toBe(1);
      expect(results.find((x) => x.check === 'dhcp-port')?.message).toMatch(/port 67 is held by rackboot serve \(pid \d+\): rackboot is already running/);
      expect(results.find((x) => x.check === 'dhcp-servers')).toEqual({
        check: 'dhcp-servers',
        status: 'ok',
        message: 'no other DHCP server answered within 2 s on rbck-s0; rackboot itself (running, 10.99.7.1) answered too: 10.99.7.1 offered address 10.99.7.200, next-server 10.99.7.1, boot file pxelinux.0',
      });
    } finally {
      const exited = new Promise((res) => serve.once('exit', res));
      serve.kill('SIGTERM');
      await exited;
    }
  });
});
