/**
 * rackboot TFTP vs tftpd-hpa, side by side, same files, same clients, one run.
 *   npx tsc -p . && node dist/bench/tftp/bench.js [--quick] [--cases lockstep,window,concurrent,loss]
 * Needs root (network namespaces for the loss case), curl, atftp, tftp-hpa, tftpd-hpa, nftables.
 * Prints one table per case and the ratios the issue asks for.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOSS_NS, lossNetDown, lossNetUp } from './netns.js';
import { loadAverage, median, rssSampler, run, sha256File, startProcess, type Server } from './lib.js';

const quick = process.argv.includes('--quick');
/** --cases lockstep,window,concurrent,loss (default: all) */
const casesArg = process.argv.indexOf('--cases');
const cases = new Set((casesArg >= 0 ? process.argv[casesArg + 1] ?? '' : 'lockstep,window,concurrent,loss').split(','));
const MiB = 1024 * 1024;
const sizes = { big: (quick ? 20 : 100) * MiB, kernel: 14 * MiB, loss: (quick ? 1 : 4) * MiB };
const reps = quick ? 1 : 3;
const clients = quick ? 16 : 64;
const serveJs = join(dirname(fileURLToPath(import.meta.url)), 'serve.js');
const data = mkdtempSync(join(tmpdir(), 'rbtt-bench-'));
const out = mkdtempSync('/dev/shm/rbtt-bench-');
const expected: Record<string, string> = {};
chmodSync(data, 0o755); // in.tftpd drops to user tftp
const failures: string[] = [];

function makeFile(name: string, size: number): void {
  const chunk = randomBytes(MiB);
  const buf = Buffer.allocUnsafe(size);
  for (let at = 0; at < size; at += MiB) chunk.copy(buf, at, 0, Math.min(MiB, size - at)), (chunk[0] = (chunk[0]! + 1) & 0xff);
  writeFileSync(join(data, name), buf);
}

type Client = 'curl' | 'atftp-w16' | 'tftp-hpa';
function clientArgv(kind: Client, s: Server, file: string, dest: string): [string, string[]] {
  switch (kind) {
    case 'curl':
      return ['curl', ['-sS', '--fail', '--tftp-blksize', '1468', '-o', dest, `tftp://${s.address}:${s.port}/${file}`]];
    case 'atftp-w16':
      return ['atftp', ['-g', '-r', file, '-l', dest, '--option', 'blksize 1468', '--option', 'windowsize 16', s.address, String(s.port)]];
    case 'tftp-hpa':
      return ['tftp', [s.address, String(s.port), '-m', 'binary', '-c', 'get', file, dest]];
  }
}

async function fetch(kind: Client, s: Server, file: string, ns?: string): Promise<{ ok: boolean; seconds: number }> {
  const dest = join(out, `${s.name}-${kind}-${Math.random().toString(36).slice(2)}`);
  const [cmd, args] = clientArgv(kind, s, file, dest);
  const r = ns ? await run('ip', ['netns', 'exec', ns, cmd, ...args], 900_000) : await run(cmd, args);
  const ok = (await sha256File(dest).catch(() => '')) === expected[file];
  if (!ok) failures.push(`${s.name} ${kind} ${file}: exit ${r.code} after ${r.seconds.toFixed(1)} s ${r.stderr.trim().split('\n').slice(-2).join(' / ')}`);
  rmSync(dest, { force: true });
  return { ok, seconds: r.seconds };
}

const mbps = (bytes: number, s: number): string => (bytes / MiB / s).toFixed(1);
const row = (cells: Array<string | number>): void => console.log(`| ${cells.join(' | ')} |`);

async function sequential(title: string, kind: Client, servers: Server[], file: string): Promise<Record<string, number>> {
  const times: Record<string, number[]> = {};
  let bad = 0;
  for (let i = 0; i < reps; i++) {
    for (const s of i % 2 ? [...servers].reverse() : servers) {
      const r = await fetch(kind, s, file);
      if (!r.ok) bad++;
      (times[s.name] ??= []).push(r.seconds);
    }
  }
  console.log(`\n### ${title}\n`);
  row(['server', `median of ${reps} (s)`, 'MiB/s', 'all runs (s)']);
  row(['---', '---', '---', '---']);
  const tput: Record<string, number> = {};
  for (const s of servers) {
    const m = median(times[s.name]!);
    tput[s.name] = sizes.big / m;
    row([s.name, m.toFixed(2), mbps(sizes.big, m), times[s.name]!.map((t) => t.toFixed(2)).join(', ')]);
  }
  console.log(`\nsha256 mismatches: ${bad}`);
  return tput;
}

async function concurrent(servers: Server[]): Promise<string[]> {
  console.log(`\n### ${clients} curl clients at once, ${sizes.kernel / MiB} MiB each, blksize 1468 (${reps} rounds, order alternating)\n`);
  row(['server', 'round', 'total (s)', 'ok', 'failed', 'aggregate MiB/s', 'peak server RSS (MB)']);
  row(['---', '---', '---', '---', '---', '---', '---']);
  const all: Record<string, number[]> = {};
  for (let i = 0; i < reps; i++) {
    for (const s of i % 2 ? [...servers].reverse() : servers) {
      const rss = rssSampler(s.pid);
      const t0 = performance.now();
      const results = await Promise.all(Array.from({ length: clients }, () => fetch('curl', s, 'kernel.img')));
      const total = (performance.now() - t0) / 1000;
      const peak = rss.stop();
      const ok = results.filter((r) => r.ok).length;
      (all[s.name] ??= []).push(total);
      row([s.name, i + 1, total.toFixed(2), ok, clients - ok, mbps(clients * sizes.kernel, total), peak.toFixed(0)]);
    }
  }
  return servers.map((s) => `${s.name} median ${median(all[s.name]!).toFixed(2)} s`);
}

async function lossy(): Promise<void> {
  lossNetUp(1);
  const servers: Server[] = [];
  try {
    const ip = LOSS_NS.serverIp;
    servers.push(await startProcess('rackboot', ['ip', 'netns', 'exec', LOSS_NS.server, process.execPath, serveJs, data, ip, '6969'], ip, 6969, /ready/));
    servers.push(await startProcess('tftpd-hpa', ['ip', 'netns', 'exec', LOSS_NS.server, 'in.tftpd', '-L', '-s', data, '-a', `${ip}:6970`], ip, 6970));
    console.log(`\n### 1 % loss each way (nftables numgen in netns ${LOSS_NS.client}), ${sizes.loss / MiB} MiB, 2 of each client at once\n`);
    row(['server', 'client', 'completed with right sha256', 'wrong sha256 or failed', 'median time (s)']);
    row(['---', '---', '---', '---', '---']);
    for (const s of servers) {
      const kinds: Client[] = ['curl', 'curl', 'atftp-w16', 'atftp-w16', 'tftp-hpa', 'tftp-hpa'];
      const results = await Promise.all(kinds.map((k) => fetch(k, s, 'loss.img', LOSS_NS.client)));
      for (const k of ['curl', 'atftp-w16', 'tftp-hpa'] as const) {
        const mine = results.filter((_, i) => kinds[i] === k);
        const ok = mine.filter((r) => r.ok);
        row([s.name, k, ok.length, mine.length - ok.length, ok.length ? median(ok.map((r) => r.seconds)).toFixed(1) : '-']);
      }
    }
  } finally {
    for (const s of servers) await s.stop();
    lossNetDown();
  }
}

async function main(): Promise<void> {
  console.log(`# rackboot TFTP vs tftpd-hpa${quick ? ' (quick)' : ''}\n`);
  console.log(`${new Date().toISOString()}, node ${process.version}, load average before: ${loadAverage()}`);
  makeFile('big.img', sizes.big);
  makeFile('kernel.img', sizes.kernel);
  makeFile('loss.img', sizes.loss);
  for (const f of ['big.img', 'kernel.img', 'loss.img']) expected[f] = await sha256File(join(data, f));
  const servers: Server[] = [];
  try {
    servers.push(await startProcess('rackboot', [process.execPath, serveJs, data, '127.0.0.1', '26969'], '127.0.0.1', 26969, /ready/));
    servers.push(await startProcess('tftpd-hpa', ['in.tftpd', '-L', '-s', data, '-a', '127.0.0.1:26970'], '127.0.0.1', 26970));
    const big = `${sizes.big / MiB} MiB`;
    const c = cases.has('lockstep') ? await sequential(`${big}, curl --tftp-blksize 1468 (lock-step)`, 'curl', servers, 'big.img') : null;
    const a = cases.has('window') ? await sequential(`${big}, atftp blksize 1468 windowsize 16 (tftpd-hpa has no RFC 7440: lock-step)`, 'atftp-w16', servers, 'big.img') : null;
    const totals = cases.has('concurrent') ? await concurrent(servers) : null;
    for (const s of servers) await s.stop();
    servers.length = 0;
    if (cases.has('loss')) await lossy();
    console.log('\n### Ratios (rackboot / tftpd-hpa)\n');
    if (c) console.log(`- curl lock-step throughput: ${(c.rackboot! / c['tftpd-hpa']!).toFixed(2)}× (target ≥ 1.0×)`);
    if (a) console.log(`- atftp windowsize 16 vs tftpd-hpa lock-step: ${(a.rackboot! / a['tftpd-hpa']!).toFixed(2)}× (target ≥ 2×)`);
    if (totals) console.log(`- ${clients} clients total time: ${totals.join(', ')} (target: rackboot ≤ tftpd-hpa, RSS < 150 MB)`);
    if (failures.length) console.log(`\nFailed transfers (first 10):\n${failures.slice(0, 10).map((f) => `- ${f}`).join('\n')}`);
    console.log(`\nload average after: ${loadAverage()} (2 cores; other work was running if this is well above 1)`);
  } finally {
    for (const s of servers) await s.stop();
    lossNetDown();
    rmSync(data, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}

process.on('SIGINT', () => {
  lossNetDown();
  process.exit(130);
});
await main();
