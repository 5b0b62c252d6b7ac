import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const BIN = join(ROOT, 'dist/src/main.js');

const PACKAGES: Record<string, string> = { ethtool: 'ethtool', ip: 'iproute2', 'udp-sender': 'udpcast', 'udp-receiver': 'udpcast', nft: 'nftables', tc: 'iproute2' };

/** Fail (never skip) when something the tests drive is missing, naming the Debian package. */
export function requireTools(...names: string[]): void {
  if (process.getuid?.() !== 0) throw new Error('multicast integration tests create network namespaces and need root');
  for (const n of names) {
    try {
      execFileSync('sh', ['-c', `command -v ${n}`], { stdio: 'ignore' });
    } catch {
      throw new Error(`${n} is missing: install the Debian package ${PACKAGES[n] ?? n} (listed in .ci/apt-packages)`);
    }
  }
  if (!existsSync(BIN)) throw new Error('dist/src/main.js is missing: run npx tsc -p . first (npm test does)');
}

export const sh = (cmd: string): string => execFileSync('sh', ['-c', cmd], { encoding: 'utf8' });

export const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

export interface Proc {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/**
 * A bridge in its own namespace and `hosts` namespaces hanging off it by veths, all named
 * rbtm<tag>…, host i at 10.78.<subnet>.(i+1)/24 with a multicast route on its veth.
 * Bridge multicast snooping is off so groups flood like on a dumb switch.
 */
export class NetLab {
  readonly dir = mkdtempSync(join(tmpdir(), 'rbtm-'));
  readonly hub: string;
  readonly hosts: string[] = [];
  private readonly children: ChildProcess[] = [];

  constructor(
    readonly tag: string,
    readonly subnet: number,
    count: number,
  ) {
    requireTools('ip', 'ethtool');
    this.removeNamespaces();
    this.hub = `rbtm${tag}-hub`;
    sh(`ip netns add ${this.hub} && ip -n ${this.hub} link add rbtm${tag}br type bridge mcast_snooping 0 && ip -n ${this.hub} link set rbtm${tag}br up`);
    for (let i = 0; i < count; i++) {
      const ns = `rbtm${tag}-h${i}`;
      const v = this.iface(i);
      sh(`ip netns add ${ns} && ip -n ${ns} link set lo up`);
      sh(`ip link add ${v} netns ${ns} type veth peer name rbtm${tag}p${i} netns ${this.hub}`);
      sh(`ip -n ${this.hub} link set rbtm${tag}p${i} master rbtm${tag}br up`);
      sh(`ip -n ${ns} addr add ${this.ip(i)}/24 brd + dev ${v} && ip -n ${ns} link set ${v} up`);
      sh(`ip -n ${ns} route add 224.0.0.0/4 dev ${v}`);
      // Like a NIC: datagrams batched with UDP GSO are cut into frames on the host's own
      // link, so the bridge and the loss rules see wire frames (a veth would carry the batch).
      sh(`ip netns exec ${ns} ethtool -K ${v} tx-udp-segmentation off`);
      this.hosts.push(ns);
    }
  }

  ip(i: number): string {
    return `10.78.${this.subnet}.${i + 1}`;
  }

  iface(i: number): string {
    return `rbtm${this.tag}v${i}`;
  }

  /** Start a command in host i's namespace, keeping its output. */
  spawn(i: number, cmd: string, args: string[]): Proc {
    const child = spawn('ip', ['netns', 'exec', this.hosts[i]!, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    return { child, output: () => out, exit };
  }

  rackboot(i: number, args: string[]): Proc {
    return this.spawn(i, process.execPath, [BIN, ...args]);
  }

  udpReceiver(i: number, file: string, extra: string[] = []): Proc {
    return this.spawn(i, 'udp-receiver', ['--file', file, '--nokbd', '--interface', this.iface(i), ...extra]);
  }

  file(name: string, bytes: number): string {
    const path = join(this.dir, name);
    const buf = Buffer.allocUnsafe(Math.ceil(bytes / 4) * 4);
    for (let i = 0; i < buf.length; i += 4) buf.writeUInt32LE((Math.imul(i, 2654435761) ^ (i >>> 7)) >>> 0, i);
    writeFileSync(path, buf.subarray(0, bytes));
    return path;
  }

  /** Drop `percent`% of the UDP datagrams host i receives on `port` (nftables, numgen random). */
  loss(i: number, percent: number, port = 9000): void {
    this.dropRule(i, 'rbtm_loss', `udp dport ${port} numgen random mod 100 < ${percent}`);
  }

  /**
   * Lose the first `count` CONNECT_REPLYs host i receives (32 bytes of udpcast from the
   * sender's port P+1, 60-byte IP packets; an nftables quota), as a lossy link can.
   */
  loseConnectReplies(i: number, count: number, senderPort = 9001): void {
    this.dropRule(i, 'rbtm_reply', `udp sport ${senderPort} udp length 40 quota until ${count * 60} bytes`);
  }

  /** Packets the loss rule (or the rule of `table`) dropped on host i. */
  dropped(i: number, table = 'rbtm_loss'): number {
    const m = /counter packets (\d+)/.exec(sh(`ip netns exec ${this.hosts[i]} nft list table inet ${table}`));
    return m ? Number(m[1]) : -1;
  }

  private dropRule(i: number, table: string, match: string): void {
    const f = join(this.dir, `${table}${i}.nft`);
    writeFileSync(f, `table inet ${table} {\n chain in {\n  type filter hook input priority 0;\n  ${match} counter drop\n }\n}\n`);
    sh(`ip netns exec ${this.hosts[i]} nft -f ${f}`);
  }

  private removeNamespaces(): void {
    for (const ns of sh('ip netns list').split('\n').map((l) => l.split(' ')[0]!)) {
      if (ns.startsWith(`rbtm${this.tag}-`)) sh(`ip netns del ${ns}`);
    }
  }

  cleanup(): void {
    for (const c of this.children) if (c.exitCode === null && c.pid) c.kill('SIGKILL');
    this.removeNamespaces();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Wait for a process and compare its exit code, showing its output when it differs. */
export async function exitsWith(p: Proc, code: number): Promise<void> {
  const got = await p.exit;
  if (got !== code) throw new Error(`exit code ${got}, expected ${code}; output:\n${p.output()}`);
}
