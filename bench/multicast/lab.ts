import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

export const sh = (cmd: string): string => execFileSync('sh', ['-c', cmd], { encoding: 'utf8' });

export interface Run {
  child: ChildProcess;
  out: () => string;
  /** When each output line containing a key first appeared (ms, performance.now()). */
  marks: Map<string, number>;
  exit: Promise<number | null>;
}

/**
 * The benchmark network: a bridge in namespace rbtmB-hub, host 0 (sender) and hosts
 * 1..n (receivers) on veths, every link shaped to `rate` with tbf in both directions
 * (netem is not available in this kernel). 10.79.0.(i+1)/24. The bridge floods multicast
 * to every port (no IGMP snooping): with snooping and the bridge as querier, receivers lost
 * the group about 20 s after the bridge came up (membership not yet learned when the
 * querier took over), which looked like dropped receivers.
 */
export class BenchLab {
  readonly hub = 'rbtmB-hub';
  /**
   * Pin host 0 (the sender) to CPU 0 and the receivers to the other CPUs, as if the sender
   * had a machine of its own. Unpinned, the kernel's packet processing for a sender that
   * sleeps between batches lands on the receivers' CPUs too, which a real network never does.
   */
  pin = false;
  /**
   * Run host 0 (the sender) as SCHED_IDLE, so a receiver woken on the sender's CPU runs at
   * once instead of waiting for the sender's time slice: a model of receivers with CPUs of
   * their own that keeps every CPU shared. Measured (docs/multicast.md, eighth session): the
   * packet processing on the sender's CPU wakes the receiver onto it, and the receiver waits
   * for the sender's time slice (0.8–2.4 ms, p10–p90; kernel 6.18, EEVDF) while its socket
   * buffer, about 1 ms at line rate, overflows.
   */
  idleSender = false;
  constructor(readonly receivers: number, readonly rate = '1gbit') {
    this.cleanup();
    sh(`ip netns add ${this.hub} && ip -n ${this.hub} link add rbtmBbr type bridge mcast_snooping 0 && ip -n ${this.hub} link set rbtmBbr up`);
    for (let i = 0; i <= receivers; i++) {
      const ns = this.ns(i);
      sh(`ip netns add ${ns} && ip -n ${ns} link set lo up`);
      sh(`ip link add ${this.iface(i)} netns ${ns} type veth peer name rbtmBp${i} netns ${this.hub}`);
      sh(`ip -n ${this.hub} link set rbtmBp${i} master rbtmBbr up`);
      sh(`ip -n ${ns} addr add ${this.ip(i)}/24 brd + dev ${this.iface(i)} && ip -n ${ns} link set ${this.iface(i)} up`);
      sh(`ip -n ${ns} route add 224.0.0.0/4 dev ${this.iface(i)}`);
      // Like a NIC: a sender's UDP GSO batches are cut into frames on its own link, so the
      // bridge replicates, shapes and delivers wire frames, not 40-datagram batches (a veth
      // would carry the batch whole and make the software switch's work look cheaper).
      sh(`ip netns exec ${ns} ethtool -K ${this.iface(i)} tx-udp-segmentation off`);
      // 64 kB of burst is half a millisecond at 1 Gbit/s: close to a real link, no bursts above line rate.
      sh(`ip netns exec ${ns} tc qdisc add dev ${this.iface(i)} root tbf rate ${rate} burst 64kb latency 20ms`);
      sh(`ip netns exec ${this.hub} tc qdisc add dev rbtmBp${i} root tbf rate ${rate} burst 64kb latency 20ms`);
    }
  }

  ns(i: number): string {
    return `rbtmB-h${i}`;
  }
  iface(i: number): string {
    return `rbtmBv${i}`;
  }
  ip(i: number): string {
    return `10.79.0.${i + 1}`;
  }

  run(i: number, cmd: string, args: string[], keys: string[] = []): Run {
    // CPU numbers 0..n-1 as seen by the bench (its own affinity): needs at least 2.
    const cpus = availableParallelism();
    if (this.pin && cpus < 2) throw new Error('--pin needs at least 2 CPUs');
    const pinned = this.pin ? ['taskset', '-c', i === 0 ? '0' : cpus > 2 ? `1-${cpus - 1}` : '1'] : [];
    const idle = this.idleSender && i === 0 ? ['chrt', '--idle', '0'] : [];
    const child = spawn('ip', ['netns', 'exec', this.ns(i), ...pinned, ...idle, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const marks = new Map<string, number>();
    const onData = (d: Buffer) => {
      out += d.toString();
      for (const k of keys) if (!marks.has(k) && out.includes(k)) marks.set(k, performance.now());
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    return { child, out: () => out, marks, exit: new Promise((r) => child.on('exit', (c) => r(c))) };
  }

  loss(i: number, percent: number): void {
    sh(`ip netns exec ${this.ns(i)} nft -f - <<'EOF'
table inet rbtm_loss {
 chain in {
  type filter hook input priority 0;
  udp dport 9000 numgen random mod 100 < ${percent} counter drop
 }
}
EOF`);
  }

  noLoss(i: number): void {
    sh(`ip netns exec ${this.ns(i)} nft delete table inet rbtm_loss 2>/dev/null || true`);
  }

  /**
   * Counters that say where datagrams were lost: tbf drops on every link (both ends) and
   * UDP receive-buffer overflows in the receivers' namespaces. Cumulative; diff two readings.
   */
  counters(): { qdiscDrops: number; rcvbufErrors: number } {
    let qdiscDrops = 0;
    let rcvbufErrors = 0;
    const drops = (out: string) => [...out.matchAll(/dropped (\d+)/g)].reduce((a, m) => a + Number(m[1]), 0);
    for (let i = 0; i <= this.receivers; i++) {
      qdiscDrops += drops(sh(`ip netns exec ${this.ns(i)} tc -s qdisc show dev ${this.iface(i)}`));
      qdiscDrops += drops(sh(`ip netns exec ${this.hub} tc -s qdisc show dev rbtmBp${i}`));
      const udp = sh(`ip netns exec ${this.ns(i)} cat /proc/net/snmp`).split('\n').filter((l) => l.startsWith('Udp:'));
      const names = udp[0]!.split(/\s+/);
      rcvbufErrors += Number(udp[1]!.split(/\s+/)[names.indexOf('RcvbufErrors')]);
    }
    return { qdiscDrops, rcvbufErrors };
  }

  cleanup(): void {
    for (const ns of sh('ip netns list').split('\n').map((l) => l.split(' ')[0]!)) if (ns.startsWith('rbtmB-')) sh(`ip netns del ${ns}`);
  }
}

/** "RUSAGE maxrss_kB user_s sys_s" as printed by /usr/bin/time -f. */
export function rusage(out: string): { rssMB: number; cpuS: number } | null {
  const m = /RUSAGE (\d+) ([\d.]+) ([\d.]+)/.exec(out);
  return m ? { rssMB: Number(m[1]) / 1024, cpuS: Number(m[2]) + Number(m[3]) } : null;
}
