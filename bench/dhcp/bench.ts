/**
 * Relay-mode DHCP benchmark: rackboot vs kea-dhcp4 vs dnsmasq, in the same run, each on its
 * own fresh lease store, one after the other, in throwaway namespaces rbtd-bs (server) and
 * rbtd-bl (the relay-agent load generator, giaddr 10.64.0.1), joined by a veth.
 *
 *   npx tsc -p . && node dist/bench/dhcp/bench.js [--servers rackboot,kea,dnsmasq] [--grow 100000] [--rounds 1] [--quick]
 *
 * Each server is killed with SIGKILL at the end, then its persisted leases are counted
 * (SQLite rows / kea memfile CSV / dnsmasq lease file): only what reached the disk counts.
 * Each result carries the server's CPU seconds and the load generator's CPU per exchange.
 *
 * Diagnosis (environment): RACKBOOT_BENCH_NODE_ARGS / RACKBOOT_BENCH_LOADGEN_ARGS (extra node
 * flags, e.g. --cpu-prof), RACKBOOT_BENCH_TERM=1 (SIGTERM before SIGKILL, so a profile is
 * written), RACKBOOT_BENCH_SERVER_STDERR=1, RACKBOOT_BENCH_LEGS=1 (the load generator prints
 * "start discover-ms request-ms" per exchange on stderr).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { stringify } from 'yaml';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const S = 'rbtd-bs';
const L = 'rbtd-bl';
const SERVER = '10.63.0.1';
const GIADDR = '10.64.0.1';
const POOL = { start: '10.64.0.10', end: '10.127.255.250' };

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const quick = args.includes('--quick');
const servers = opt('servers', 'rackboot,kea,dnsmasq').split(',');
const grow = Number(opt('grow', quick ? '30000' : '100000'));
const main20k = quick ? 5000 : 20000;
/** Rounds alternate the servers so that load from other work on the machine hits all of them alike. */
const rounds = Number(opt('rounds', '1'));

const sh = (cmd: string): string => execFileSync('sh', ['-c', cmd], { encoding: 'utf8' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function netns(): void {
  teardown();
  sh(`ip netns add ${S} && ip netns add ${L} && ip -n ${S} link set lo up && ip -n ${L} link set lo up`);
  sh(`ip link add rbtd-bs0 netns ${S} type veth peer name rbtd-bl0 netns ${L}`);
  sh(`ip -n ${S} link set rbtd-bs0 up && ip -n ${L} link set rbtd-bl0 up`);
  sh(`ip -n ${S} addr add ${SERVER}/24 dev rbtd-bs0 && ip -n ${L} addr add 10.63.0.2/24 dev rbtd-bl0`);
  sh(`ip -n ${L} addr add ${GIADDR}/32 dev rbtd-bl0 && ip -n ${S} route add 10.64.0.0/10 via 10.63.0.2`);
}

function teardown(): void {
  for (const ns of [S, L]) if (sh('ip netns list').split('\n').some((l) => l.split(' ')[0] === ns)) sh(`ip netns del ${ns}`);
}

async function waitListening(child: ChildProcess, name: string, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${log()}`);
    if (/:67\s/.test(sh(`ip netns exec ${S} ss -ulnH`))) return;
    await sleep(50);
  }
  throw new Error(`${name} did not open port 67: ${log()}`);
}

interface Server {
  name: string;
  start(dir: string): ChildProcess;
  persisted(dir: string): number;
}

const rackboot: Server = {
  name: 'rackboot',
  start(dir) {
    const config = {
      dataDir: dir, logLevel: 'warn', logFormat: 'json', serverAddress: SERVER,
      tftp: { enabled: false }, http: { enabled: false }, multicast: { enabled: false },
      dhcp: { mode: 'full', subnets: [{ network: '10.64.0.0/10', pools: [POOL], leaseTime: 3600 }] },
    };
    writeFileSync(join(dir, 'rackboot.yaml'), stringify(config));
    return spawn('ip', ['netns', 'exec', S, process.execPath, ...(process.env.RACKBOOT_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), join(ROOT, 'dist/src/main.js'), '--config', join(dir, 'rackboot.yaml'), 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
  },
  persisted(dir) {
    const db = new BetterSqlite3(join(dir, 'rackboot.db'), { readonly: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM leases WHERE state = 'bound'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  },
};

const kea: Server = {
  name: 'kea-dhcp4',
  start(dir) {
    const config = {
      Dhcp4: {
        'interfaces-config': { interfaces: [`rbtd-bs0/${SERVER}`], 'dhcp-socket-type': 'udp' },
        'lease-database': { type: 'memfile', persist: true, name: join(dir, 'kea-leases4.csv'), 'lfc-interval': 0 },
        'valid-lifetime': 3600,
        'subnet4': [{ id: 1, subnet: '10.64.0.0/10', pools: [{ pool: `${POOL.start} - ${POOL.end}` }] }],
        loggers: [{ name: 'kea-dhcp4', output_options: [{ output: join(dir, 'kea.log') }], severity: 'WARN' }],
      },
    };
    writeFileSync(join(dir, 'kea.json'), JSON.stringify(config));
    return spawn('ip', ['netns', 'exec', S, 'kea-dhcp4', '-c', join(dir, 'kea.json')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KEA_LOCKFILE_DIR: dir, KEA_PIDFILE_DIR: dir },
    });
  },
  persisted(dir) {
    const f = join(dir, 'kea-leases4.csv');
    if (!existsSync(f)) return 0;
    const lines = readFileSync(f, 'utf8').split('\n').slice(1).filter(Boolean);
    return new Set(lines.map((l) => l.split(',')[0])).size;
  },
};

const dnsmasq: Server = {
  name: 'dnsmasq',
  start(dir) {
    return spawn('ip', ['netns', 'exec', S, 'dnsmasq', '--no-daemon', '--port=0', '--interface=rbtd-bs0', '--bind-interfaces', '--no-resolv', '--no-hosts', '--no-ping',
      `--dhcp-range=${POOL.start},${POOL.end},255.192.0.0,1h`, '--dhcp-lease-max=1000000', `--dhcp-leasefile=${join(dir, 'dnsmasq.leases')}`, `--pid-file=${join(dir, 'dnsmasq.pid')}`, '--quiet-dhcp'], { stdio: ['ignore', 'pipe', 'pipe'] });
  },
  persisted(dir) {
    const f = join(dir, 'dnsmasq.leases');
    return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).length : 0;
  },
};

/** utime + stime of a process and all its threads, in seconds (/proc/PID/stat fields 14 and 15, in clock ticks). */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / Number(sh('getconf CLK_TCK'));
}

async function benchOne(s: Server, round: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), `rbtd-bench-${s.name}-`));
  const child = s.start(dir);
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d));
  child.stderr!.on('data', (d: Buffer) => (log += d));
  if (process.env.RACKBOOT_BENCH_SERVER_STDERR === '1') child.stderr!.pipe(process.stderr);
  try {
    await waitListening(child, s.name, () => log);
    const slow = s.name === 'dnsmasq';
    const phases = [
      { name: 'warmup', outstanding: 1, exchanges: 500, maxSeconds: 60 },
      { name: 'latency', outstanding: 1, exchanges: quick ? 500 : 2000, maxSeconds: 60 },
      { name: 'throughput', outstanding: 64, exchanges: main20k, maxSeconds: slow ? 90 : 300 },
      { name: 'growth', outstanding: 64, exchanges: round > 1 ? 0 : Math.max(0, grow - main20k - (quick ? 500 : 2000)), maxSeconds: slow ? 60 : 600, window: quick ? 5000 : 10000 },
      // The same 1-outstanding measurement once both processes are warm (JIT, caches): a
      // daemon's steady state. The cold one above also times the load generator's own warm-up.
      { name: 'latency-warm', outstanding: 1, exchanges: quick ? 500 : 2000, maxSeconds: 60 },
    ];
    const out = execFileSync('ip', ['netns', 'exec', L, process.execPath, ...(process.env.RACKBOOT_BENCH_LOADGEN_ARGS ?? '').split(' ').filter(Boolean), join(ROOT, 'dist/bench/dhcp/loadgen.js'), SERVER, GIADDR, JSON.stringify(phases)], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', process.env.RACKBOOT_BENCH_LEGS ? 'inherit' : 'pipe'] });
    const result = JSON.parse(out) as Record<string, unknown>;
    const serverCpuSeconds = cpuSeconds(child.pid!);
    const closed = new Promise((r) => child.once('close', r));
    // RACKBOOT_BENCH_TERM=1 (profiling runs, e.g. with --cpu-prof): a clean stop first, so the profile is written.
    if (process.env.RACKBOOT_BENCH_TERM === '1') {
      child.kill('SIGTERM');
      await Promise.race([closed, sleep(5000)]);
    }
    child.kill('SIGKILL');
    await closed;
    return { server: s.name, round, ...result, serverCpuSeconds, persistedAfterKill9: s.persisted(dir) };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

type Phase = { name: string; exPerSec: number; p50ms: number; p99ms: number; attempted: number; acked: number; failed: number; seconds: number; stoppedByTime: boolean; windows?: Array<{ leasesBefore: number; exPerSec: number }> };

let loadAtStart = '';

function report(results: Array<Record<string, unknown>>): string {
  const lines: string[] = [];
  const ph = (r: Record<string, unknown>, n: string): Phase => (r.phases as Phase[]).find((p) => p.name === n)!;
  lines.push(`load average at start: ${loadAtStart}; at end: ${sh('cat /proc/loadavg').trim()}  (cores: ${sh('nproc').trim()})`);
  lines.push('| server (round) | ex/s at 64 outstanding | exchanges (acked/attempted) | p50 / p99 at 1 outstanding, warm | p50 / p99 at 1 outstanding, cold | NAKs | duplicate offers | timeouts | leases on disk after kill -9 |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const t = ph(r, 'throughput');
    const l = ph(r, 'latency');
    const w = ph(r, 'latency-warm');
    const tot = r.totals as Record<string, number>;
    lines.push(`| ${r.server} (${r.round}) | ${t.exPerSec}${t.stoppedByTime ? ' (time cap)' : ''} | ${t.acked}/${t.attempted} | ${w.p50ms} / ${w.p99ms} ms | ${l.p50ms} / ${l.p99ms} ms | ${tot.naks} | ${tot.duplicateOffers} | ${tot.timeouts} | ${r.persistedAfterKill9} of ${r.distinctAddresses} |`);
  }
  lines.push('');
  lines.push('ex/s at 64 outstanding as the lease table grows (leases already bound → ex/s over the next window):');
  for (const r of results.filter((x) => x.round === 1)) {
    const g = ph(r, 'growth');
    const w = (g.windows ?? []).map((x) => `${x.leasesBefore}→${x.exPerSec}`).join('  ');
    lines.push(`  ${String(r.server).padEnd(10)} ${w || '(none)'}${g.stoppedByTime ? `  (stopped by time cap at ${Number(r.distinctAddresses)} leases)` : ''}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the benchmark creates network namespaces: run as root');
  const all = { rackboot, kea, 'kea-dhcp4': kea, dnsmasq } as Record<string, Server>;
  loadAtStart = sh('cat /proc/loadavg').trim();
  netns();
  const results: Array<Record<string, unknown>> = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const name of servers) {
        const s = all[name];
        if (!s) throw new Error(`unknown server ${name}`);
        process.stderr.write(`bench: ${s.name} round ${round} …\n`);
        results.push(await benchOne(s, round));
        process.stderr.write(`${JSON.stringify(results.at(-1))}\n`);
      }
    }
  } finally {
    teardown();
  }
  process.stdout.write(`${report(results)}\n`);
}

main().catch((e: unknown) => {
  teardown();
  process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
