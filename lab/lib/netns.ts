import { execFileSync } from 'node:child_process';

/**
 * The private boot network: two network namespaces joined by a veth pair.
 *
 *   <tag>-s  (server ns)  <tag>-s0 10.x.y.1/24 ── veth ── <tag>-b0 ┐
 *   <tag>-g  (guest ns)   bridge <tag>-br ── <tag>-t0, <tag>-t1 …  ┘ (taps QEMU attaches to)
 *
 * QEMU runs inside the guest namespace (a tap lives in one namespace); the server (rackboot
 * or dnsmasq) runs inside the server namespace. Nothing is created in the host namespace, so
 * no host interface, route or firewall rule is touched, and deleting the two namespaces
 * removes every device. Every name starts with the tag, so parallel runs never collide.
 */
export interface LabNet {
  tag: string;
  serverNs: string;
  guestNs: string;
  bridge: string;
  serverIf: string; // the provisioning interface rackboot serves, inside serverNs
  serverIp: string;
  prefixLen: number;
  subnet: string; // e.g. 10.77.0 — guests get <subnet>.N
  taps: string[];
}

export interface LabNetOptions {
  tag: string; // 1–8 of [a-z0-9]: interface names must stay within IFNAMSIZ (15)
  subnet: string; // first three octets of a /24, e.g. '10.77.0'
  taps: number;
}

/** Run a command, throwing with its stderr when it fails. */
export function run(cmd: string, args: string[], opts: { input?: string; allowFail?: boolean } = {}): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', input: opts.input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    if (opts.allowFail) return '';
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.stderr?.trim() || err.message}`);
  }
}

/** argv prefix that runs a command inside namespace `ns`. */
export const inNetns = (ns: string, argv: string[]): string[] => ['ip', 'netns', 'exec', ns, ...argv];

export function labNetNames(tag: string, subnet: string, taps: number): LabNet {
  if (!/^[a-z0-9]{1,8}$/.test(tag)) throw new Error(`lab tag ${JSON.stringify(tag)}: use 1–8 of [a-z0-9]`);
  if (!/^\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(subnet)) throw new Error(`lab subnet ${JSON.stringify(subnet)}: want a.b.c`);
  return {
    tag,
    serverNs: `${tag}-s`,
    guestNs: `${tag}-g`,
    bridge: `${tag}-br`,
    serverIf: `${tag}-s0`,
    serverIp: `${subnet}.1`,
    prefixLen: 24,
    subnet,
    taps: Array.from({ length: taps }, (_, i) => `${tag}-t${i}`),
  };
}

/** Build the network (after removing leftovers of a crashed run with the same tag). */
export function createLabNet(o: LabNetOptions): LabNet {
  const net = labNetNames(o.tag, o.subnet, o.taps);
  destroyLabNet(o.tag);
  const ipS = (...a: string[]): string => run('ip', ['-n', net.serverNs, ...a]);
  const ipG = (...a: string[]): string => run('ip', ['-n', net.guestNs, ...a]);
  run('ip', ['netns', 'add', net.serverNs]);
  run('ip', ['netns', 'add', net.guestNs]);
  const bridgePort = `${o.tag}-b0`;
  run('ip', ['link', 'add', net.serverIf, 'netns', net.serverNs, 'type', 'veth', 'peer', 'name', bridgePort, 'netns', net.guestNs]);
  ipS('link', 'set', 'lo', 'up');
  ipG('link', 'set', 'lo', 'up');
  // STP off and no forward delay: a PXE ROM's first DISCOVER must not be eaten by a
  // bridge port still in the listening/learning state.
  ipG('link', 'add', net.bridge, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0');
  ipG('link', 'set', bridgePort, 'master', net.bridge, 'up');
  for (const tap of net.taps) {
    ipG('tuntap', 'add', 'dev', tap, 'mode', 'tap');
    ipG('link', 'set', tap, 'master', net.bridge, 'up');
  }
  ipG('link', 'set', net.bridge, 'up');
  // brd +: the subnet broadcast address, where a stock udp-receiver sends its connect request.
  ipS('addr', 'add', `${net.serverIp}/${net.prefixLen}`, 'broadcast', '+', 'dev', net.serverIf);
  ipS('link', 'set', net.serverIf, 'up');
  return net;
}

/** The namespaces (of any run) whose name starts with `<tag>-`. */
export function labNamespaces(tag: string): string[] {
  return run('ip', ['netns', 'list'], { allowFail: true })
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(`${tag}-`));
}

/**
 * Remove everything with this tag: processes still inside its namespaces (a QEMU or server
 * left by a crashed run — found by `ip netns pids`, killed by pid), then the namespaces,
 * which takes their bridge, taps and veths with them. Idempotent.
 */
export function destroyLabNet(tag: string): void {
  for (const ns of labNamespaces(tag)) {
    for (const pid of run('ip', ['netns', 'pids', ns], { allowFail: true }).split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    run('ip', ['netns', 'del', ns], { allowFail: true });
  }
  // A veth end left in the host namespace (if a run died between link add and move).
  for (const line of run('ip', ['-o', 'link', 'show'], { allowFail: true }).split('\n')) {
    const name = /^\d+: ([^:@]+)/.exec(line)?.[1];
    if (name?.startsWith(`${tag}-`)) run('ip', ['link', 'del', name], { allowFail: true });
  }
}
