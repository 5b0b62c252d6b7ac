import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { multicastConfigSchema } from '../../src/multicast/config.js';
import { BenchLab, rusage, sh, type Run } from './lab.js';

/**
 * Multicast push benchmark: rackboot's sender vs the stock udp-sender (same run, same
 * stock udp-receivers writing to /dev/null), and unicast HTTP to the same receivers, on
 * namespaces whose links are shaped to 1 Gbit/s with tbf. Then the robustness run:
 * N receivers with 1% loss each, repeated. Needs root, udpcast, nftables, curl, time.
 *
 *   node dist/bench/multicast/bench.js [--image-mb 512] [--n 1,4,16] [--loss-n 8] [--loss-runs 20] [--loss-mb 128]
 *     [--stock-loss-runs 3] [--rackboot-args '--max-bitrate 1g'] [--rounds 1] [--pin] [--idle-senders]
 *
 * --pin runs every sender (rackboot, udp-sender, the HTTP server) on CPU 0 and the receivers
 * on the other CPUs, for both peers alike: a model of a sender with a machine of its own.
 * --idle-senders runs every sender as SCHED_IDLE (chrt --idle 0), both peers alike: a model
 * of receivers that never wait for a sender's CPU (see BenchLab.idleSender).
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'dist/src/main.js');
const HTTP = join(ROOT, 'dist/bench/multicast/http-server.js');
const MiB = 1024 * 1024;
/** The issue's line rate for 1 Gbit/s after Ethernet/IP/UDP headers. */
const LINE_MIB_S = 112;

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

const imageMB = Number(arg('image-mb', '512'));
const ns = arg('n', '1,4,16') === 'none' ? [] : arg('n', '1,4,16').split(',').map(Number);
const lossN = Number(arg('loss-n', '8'));
const lossRuns = Number(arg('loss-runs', '20'));
const lossMB = Number(arg('loss-mb', '128'));
const stockLossRuns = Number(arg('stock-loss-runs', '3'));
/** Rounds per N, alternating which sender goes first; HTTP runs in the first round only. */
const rounds = Math.max(1, Number(arg('rounds', '1')));
/** veths report 10 Gbit/s, so what rackboot's default (the NIC's speed) gives on a 1 Gbit/s NIC is given here. */
const rbArgs = arg('rackboot-args', '--max-bitrate 1g').split(' ').filter(Boolean);
const pin = process.argv.includes('--pin');
const idleSenders = process.argv.includes('--idle-senders');
/** How long one udp-sender run may take before it is killed (it can wait for receivers forever). */
const STOCK_DEADLINE_S = 120;
const dir = mkdtempSync(join(tmpdir(), 'rbtm-bench-'));

function makeImage(mb: number): string {
  const path = join(dir, `image-${mb}.bin`);
  sh(`head -c ${mb * MiB} /dev/urandom > ${path}`);
  return path;
}

interface Figure {
  mibPerReceiver: number;
  rssMB: number | null;
  cpuS: number | null;
  note: string;
}

/**
 * Exit codes of the receivers once the sender is gone; a stock udp-receiver that was
 * dropped waits forever, so stragglers are killed after 10 s and count as failed (null).
 */
async function settle(receivers: Run[]): Promise<(number | null)[]> {
  const deadline = setTimeout(() => {
    for (const r of receivers) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  }, 10_000);
  const codes = await Promise.all(receivers.map((r) => r.exit));
  clearTimeout(deadline);
  return codes.map((c, i) => (receivers[i]!.child.signalCode ? null : c));
}

async function rackboot(lab: BenchLab, n: number, image: string, size: number): Promise<Figure & { done: number; dropped: number }> {
  const receivers = Array.from({ length: n }, (_, k) => lab.run(k + 1, 'udp-receiver', ['--file', '/dev/null', '--nokbd', '--interface', lab.iface(k + 1)]));
  await new Promise((r) => setTimeout(r, 300));
  const db = join(dir, 'bench.db');
  const targets = Array.from({ length: n }, (_, k) => lab.ip(k + 1)).join(',');
  const before = lab.counters();
  const push = lab.run(0, '/usr/bin/time', ['-f', 'RUSAGE %M %U %S', process.execPath, ...(process.env.RACKBOOT_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), BIN, '--db', db, 'push', image, '--to', targets, '--interface', lab.iface(0), '--json', '--max-wait', '30', '--drop-after', '10', ...rbArgs]);
  await push.exit;
  await settle(receivers);
  const out = push.out();
  const json = JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1)) as {
    startedAt: string;
    finishedAt: string;
    bytesSent: number;
    receivers: { state: string; ip: string; detail: string | null }[];
  };
  const seconds = (Date.parse(json.finishedAt) - Date.parse(json.startedAt)) / 1000;
  const ru = rusage(out);
  const done = json.receivers.filter((r) => r.state === 'done').length;
  const dropped = json.receivers.filter((r) => r.state === 'dropped').length;
  const rexmit = ((json.bytesSent - size) / size) * 100;
  // A receiver that did not finish: what it printed last (udp-receiver says why it exited), and how it ended.
  const said = (ip: string): string => {
    const r = receivers.find((_, k) => lab.ip(k + 1) === ip);
    if (!r) return '';
    const last = r.out().trim().split('\n').filter(Boolean).at(-1) ?? '';
    return `; receiver ${r.child.signalCode ? `killed (${r.child.signalCode})` : `exit ${r.child.exitCode}`}, last said "${last.slice(0, 120)}"`;
  };
  const why = json.receivers.filter((r) => r.state !== 'done').map((r) => `${r.ip} ${r.state}: ${r.detail ?? ''}${said(r.ip)}`);
  return { mibPerReceiver: size / MiB / seconds, rssMB: ru?.rssMB ?? null, cpuS: ru?.cpuS ?? null, note: `${done}/${n} done, re-sent ${rexmit.toFixed(1)}%${lossNote(lab, before)}${why.length ? ` (${why.join('; ')})` : ''}`, done, dropped };
}

/** Where datagrams were lost during the run: shaper drops and receivers' socket-buffer overflows. */
function lossNote(lab: BenchLab, before: { qdiscDrops: number; rcvbufErrors: number }): string {
  const after = lab.counters();
  return `, lost: ${after.qdiscDrops - before.qdiscDrops} tbf, ${after.rcvbufErrors - before.rcvbufErrors} rcvbuf`;
}

async function stock(lab: BenchLab, n: number, image: string, size: number): Promise<Figure & { failed: number }> {
  const receivers = Array.from({ length: n }, (_, k) => lab.run(k + 1, 'udp-receiver', ['--file', '/dev/null', '--nokbd', '--interface', lab.iface(k + 1)]));
  await new Promise((r) => setTimeout(r, 300));
  const before = lab.counters();
  const sender = lab.run(0, '/usr/bin/time', ['-f', 'RUSAGE %M %U %S', 'udp-sender', '--file', image, '--nokbd', '--interface', lab.iface(0), '--min-receivers', String(n), '--max-wait', '30'], ['Starting transfer', 'Transfer complete']);
  // udp-sender waits for --min-receivers with no time limit, and a udp-receiver whose
  // CONNECT_REPLY was lost (1% loss) never asks again: seen once, hung for minutes. It ignores
  // SIGTERM, so it is killed after STOCK_DEADLINE_S and every receiver counts as failed.
  let hung = false;
  const deadline = setTimeout(() => {
    hung = true;
    sh('pkill -KILL -x udp-sender || true');
  }, STOCK_DEADLINE_S * 1000);
  await sender.exit;
  clearTimeout(deadline);
  const codes = await settle(receivers);
  const start = sender.marks.get('Starting transfer');
  const end = sender.marks.get('Transfer complete');
  const seconds = start !== undefined && end !== undefined ? (end - start) / 1000 : Number.NaN;
  const ru = rusage(sender.out());
  const rex = /re-xmits=(\d+) \(\s*([\d.]+)%\)/g;
  let last: RegExpExecArray | null = null;
  for (let m = rex.exec(sender.out()); m; m = rex.exec(sender.out())) last = m;
  const failed = codes.filter((c) => c !== 0).length;
  const drops = (sender.out().match(/[Dd]ropping/g) ?? []).length;
  const hungNote = hung ? `, killed after ${STOCK_DEADLINE_S} s (hung waiting for receivers)` : '';
  return { mibPerReceiver: size / MiB / seconds, rssMB: ru?.rssMB ?? null, cpuS: ru?.cpuS ?? null, note: `${n - failed}/${n} ok, re-xmits ${last?.[2] ?? '?'}%${lossNote(lab, before)}${drops ? `, ${drops} dropped` : ''}${hungNote}`, failed: Math.max(failed, drops) };
}

async function http(lab: BenchLab, n: number, image: string, size: number): Promise<Figure> {
  const server = lab.run(0, process.execPath, [HTTP, image, lab.ip(0), '8080'], ['listening']);
  while (!server.marks.has('listening')) await new Promise((r) => setTimeout(r, 20));
  const curls = Array.from({ length: n }, (_, k) => lab.run(k + 1, 'curl', ['-s', '-o', '/dev/null', '-w', 'TIME %{time_total}\n', `http://${lab.ip(0)}:8080/image`]));
  await Promise.all(curls.map((c) => c.exit));
  server.child.kill('SIGKILL');
  await server.exit;
  const times = curls.map((c) => Number(/TIME ([\d.]+)/.exec(c.out())?.[1] ?? 'NaN'));
  const mean = times.reduce((a, t) => a + size / MiB / t, 0) / n;
  return { mibPerReceiver: mean, rssMB: null, cpuS: null, note: `slowest ${Math.max(...times).toFixed(1)} s` };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const range = (xs: number[]): string => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;

const fmt = (f: Figure) =>
  `${f.mibPerReceiver.toFixed(1).padStart(6)} MiB/s ${((f.mibPerReceiver / LINE_MIB_S) * 100).toFixed(0).padStart(3)}%  ${f.rssMB === null ? '      -' : `${f.rssMB.toFixed(0).padStart(4)} MB`}  ${f.cpuS === null ? '     -' : `${f.cpuS.toFixed(1).padStart(5)} s`}  ${f.note}`;

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the benchmark creates network namespaces: run it as root');
  for (const f of [BIN, HTTP]) if (!existsSync(f)) throw new Error(`${f} is missing: run npx tsc -p . first`);
  const maxN = Math.max(...ns, lossN);
  const lab = new BenchLab(maxN);
  lab.pin = pin;
  lab.idleSender = idleSenders;
  try {
    const image = makeImage(imageMB);
    const size = imageMB * MiB;
    const dflt = multicastConfigSchema.parse({});
    console.log(`# rackboot push ${rbArgs.join(' ')} (otherwise its defaults: ${dflt.duplex} duplex, ${dflt.gso ? 'GSO' : 'no GSO'}); udp-sender with its defaults (full duplex, unpaced)${pin ? '; senders pinned to CPU 0, receivers to the others' : ''}${idleSenders ? '; senders run as SCHED_IDLE' : ''}`);
    console.log(`# ${imageMB} MiB image, links shaped to 1 Gbit/s (tbf), line rate taken as ${LINE_MIB_S} MiB/s, load average ${sh('cat /proc/loadavg').trim()}`);
    console.log('N   sender       per receiver     %line   RSS     CPU    notes');
    const medians: string[] = [];
    for (const n of ns) {
      const rbRates: number[] = [];
      const stRates: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const runRb = async () => {
          const rb = await rackboot(lab, n, image, size);
          rbRates.push(rb.mibPerReceiver);
          console.log(`${String(n).padEnd(3)} rackboot    ${fmt(rb)}`);
        };
        const runSt = async () => {
          const st = await stock(lab, n, image, size);
          stRates.push(st.mibPerReceiver);
          console.log(`${String(n).padEnd(3)} udp-sender  ${fmt(st)}`);
        };
        if (r % 2 === 0) await runRb().then(runSt);
        else await runSt().then(runRb);
        if (r === 0) console.log(`${String(n).padEnd(3)} http        ${fmt(await http(lab, n, image, size))}`);
      }
      if (rounds > 1) {
        const [a, b] = [median(rbRates), median(stRates)];
        medians.push(`N = ${n}: rackboot ${a.toFixed(1)} MiB/s (${range(rbRates)}), udp-sender ${b.toFixed(1)} MiB/s (${range(stRates)}), ratio of medians ${(a / b).toFixed(2)}×`);
      }
    }
    if (medians.length) console.log(`# medians of ${rounds} rounds (alternating order)\n${medians.join('\n')}`);
    rmSync(image);
    if (lossRuns > 0) {
      const lossImage = makeImage(lossMB);
      for (let i = 1; i <= lossN; i++) lab.loss(i, 1);
      console.log(`# robustness: N = ${lossN}, 1% loss on every receiver (nftables), ${lossMB} MiB image`);
      let dropped = 0;
      let incomplete = 0;
      const rates: number[] = [];
      for (let r = 0; r < lossRuns; r++) {
        const rb = await rackboot(lab, lossN, lossImage, lossMB * MiB);
        dropped += rb.dropped;
        incomplete += lossN - rb.done;
        rates.push(rb.mibPerReceiver);
        console.log(`run ${r + 1} rackboot    ${fmt(rb)}`);
      }
      console.log(`rackboot: ${lossRuns} pushes, ${dropped} receivers dropped, ${incomplete} incomplete, mean ${(rates.reduce((a, b) => a + b, 0) / rates.length).toFixed(1)} MiB/s per receiver`);
      let stockFailed = 0;
      for (let r = 0; r < stockLossRuns; r++) {
        const st = await stock(lab, lossN, lossImage, lossMB * MiB);
        stockFailed += st.failed;
        console.log(`run ${r + 1} udp-sender  ${fmt(st)}`);
      }
      if (stockLossRuns > 0) console.log(`udp-sender: ${stockLossRuns} pushes, ${stockFailed} receivers failed or dropped`);
    }
  } finally {
    lab.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
