import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { openDatabase } from '../../../src/store/db.js';
import { openInventory } from '../../../src/inventory/open.js';
import { parseConfig } from '../../../src/config.js';
import type { NodeInput } from '../../../src/inventory/nodes.js';

export const ROOT = resolve(import.meta.dirname, '../../..');

const TOOLS: Record<string, string> = {
  ip: 'iproute2',
  dhclient: 'isc-dhcp-client',
  udhcpc: 'udhcpc',
  dnsmasq: 'dnsmasq',
  'qemu-system-x86_64': 'qemu-system-x86',
};

/** Fail (never skip) when a tool the test drives is missing, naming the Debian package. */
export function requireTools(...names: string[]): void {
  for (const n of names) {
    try {
      execFileSync('sh', ['-c', `command -v ${n}`], { stdio: 'ignore' });
    } catch {
      throw new Error(`${n} is missing: install the Debian package ${TOOLS[n] ?? n} (listed in .ci/apt-packages)`);
    }
  }
  if (process.getuid?.() !== 0) throw new Error('DHCP integration tests create network namespaces and need root');
  for (const f of ['dist/src/main.js', 'dist/bench/dhcp/relay.js']) {
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run npx tsc -p . first (npm test does)`);
  }
}

export const sh = (cmd: string): string => execFileSync('sh', ['-c', cmd], { encoding: 'utf8' });

/** Network namespaces, veths and processes of one test file, all named rbtd-<tag>…, all removed by cleanup(). */
export class Lab {
  readonly dir = mkdtempSync(join(tmpdir(), 'rbtd-lab-'));
  private readonly namespaces: string[] = [];
  private readonly children: ChildProcess[] = [];

  constructor(readonly tag: string) {
    this.cleanupNamespaces();
  }

  private cleanupNamespaces(): void {
    for (const ns of sh('ip netns list').split('\n').map((l) => l.split(' ')[0]!)) {
      if (ns.startsWith(`rbtd-${this.tag}`)) sh(`ip netns del ${ns}`);
    }
  }

  ns(name: string): string {
    const full = `rbtd-${this.tag}${name}`;
    sh(`ip netns add ${full} && ip -n ${full} link set lo up`);
    this.namespaces.push(full);
    return full;
  }

  /** A veth pair: end a in nsA with addrA (CIDR or ''), end b in nsB. Names ≤ 15 chars. */
  veth(a: string, nsA: string, addrA: string, b: string, nsB: string, addrB = '', macB = ''): void {
    sh(`ip link add ${a} netns ${nsA} type veth peer name ${b} netns ${nsB}`);
    if (macB) sh(`ip -n ${nsB} link set ${b} address ${macB}`);
    sh(`ip -n ${nsA} link set ${a} up && ip -n ${nsB} link set ${b} up`);
    if (addrA) sh(`ip -n ${nsA} addr add ${addrA} dev ${a}`);
    if (addrB) sh(`ip -n ${nsB} addr add ${addrB} dev ${b}`);
  }

  /** Start a process in a namespace; its output is kept for waitFor / assertions. */
  spawn(ns: string, cmd: string, args: string[]): Proc {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    return new Proc(child);
  }

  /** Run to completion in a namespace; resolves with output and exit code. */
  run(ns: string, cmd: string, args: string[], timeoutMs = 20_000): Promise<{ code: number | null; out: string }> {
    const p = this.spawn(ns, cmd, args);
    return p.exit(timeoutMs);
  }

  file(name: string, text: string): string {
    const f = join(this.dir, name);
    writeFileSync(f, text);
    return f;
  }

  async cleanup(): Promise<void> {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    this.cleanupNamespaces();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class Proc {
  out = '';
  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => (this.out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.out += d.toString()));
  }

  /** Wait until the output matches (polls; the daemon logs JSON lines). */
  async waitFor(re: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = this.out.match(re);
      if (m) return m;
      if (this.child.exitCode !== null) throw new Error(`process exited (${this.child.exitCode}) before ${re}:\n${this.out}`);
      if (Date.now() > end) throw new Error(`timed out waiting for ${re}:\n${this.out.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  exit(timeoutMs: number): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
      const t = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      const done = (): void => {
        clearTimeout(t);
        resolve({ code: this.child.exitCode, out: this.out });
      };
      if (this.child.exitCode !== null) return done();
      this.child.once('close', done);
    });
  }

  stop(): Promise<{ code: number | null; out: string }> {
    this.child.kill('SIGTERM');
    return this.exit(5000);
  }

  /** Parsed JSON log lines. */
  logs(): Array<Record<string, unknown>> {
    return this.out.split('\n').flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }
}

/** A config file and database for `rackboot serve` with only DHCP (and optionally TFTP) on. */
export function daemonFiles(lab: Lab, config: Record<string, unknown>, nodes: NodeInput[]): { configFile: string; dbFile: string } {
  const full = { dataDir: lab.dir, logLevel: 'debug', logFormat: 'json', tftp: { enabled: false }, http: { enabled: false }, multicast: { enabled: false }, ...config };
  const configFile = lab.file('rackboot.yaml', stringify(full));
  const dbFile = join(lab.dir, 'rackboot.db');
  const db = openDatabase(dbFile);
  try {
    const { inventory } = openInventory(db, parseConfig(full, lab.dir, configFile));
    for (const n of nodes) inventory.nodes.add(n);
  } finally {
    db.close();
  }
  return { configFile, dbFile };
}

export function startDaemon(lab: Lab, ns: string, configFile: string): Proc {
  return lab.spawn(ns, process.execPath, [join(ROOT, 'dist/src/main.js'), '--config', configFile, 'serve']);
}

/** A udhcpc/dhclient hook script that appends its environment to `<out>.<reason>`. */
export function envScript(lab: Lab, name: string): { script: string; out: string } {
  const out = join(lab.dir, `${name}.env`);
  const script = lab.file(`${name}.sh`, `#!/bin/sh\nenv > "${out}.\${1:-\${reason}}"\nexit 0\n`);
  sh(`chmod +x ${script}`);
  return { script, out };
}

export function readEnv(file: string): Record<string, string> {
  const text = sh(`cat ${file}`);
  return Object.fromEntries(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}
