import { execFileSync, execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { buildDebianImage, cacheDir, configureDiskless, DEBIAN, PROBE, writeProbeOverlay } from '../../lab/lib/diskless.js';
import { showNode } from '../../lab/lib/rackboot.js';
import { LabSession } from '../../lab/lib/session.js';

/**
 * Diskless boot benchmark (issue 22), two parts, peers in the same run:
 *
 * 1. Build: `rackboot image build --debian` against plain `mmdebstrap` + `mksquashfs` (its
 *    defaults) on the same package list and the same .deb cache, alternating; wall time and
 *    image size.
 * 2. Boot: power-on → `up` of N QEMU guests booting one Debian image through rackboot, the
 *    image pushed by one multicast push against every node fetching it over HTTP
 *    (Warewulf's way), alternating; the server's link shaped with tbf to --rate. Also the
 *    transfer leg of each node (udp-receiver's or wget's run, as the node times it in its
 *    `image-ok` report; the sha256 check after it is not counted) against image size ÷ link rate.
 *
 *   node dist/bench/diskless/bench.js [--n 1,2,4] [--rounds 5] [--build-rounds 3] [--rate-mbit 200]
 *
 * Needs root, QEMU, mmdebstrap, squashfs-tools. Guests run under TCG here (25-40 s a boot).
 */
function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}
const sizes = arg('n', '1,2,4').split(',').map(Number).filter((n) => n > 0);
const rounds = Number(arg('rounds', '5'));
const buildRounds = Number(arg('build-rounds', '3'));
const rateMbit = Number(arg('rate-mbit', '200'));
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
const secs = (ms: number): string => (ms / 1000).toFixed(1);
const say = (t: string): void => void process.stdout.write(`${t}\n`);

/** Plain tools: mmdebstrap into a folder (same cache hooks), then mksquashfs with its defaults. */
function plainBuild(work: string): { ms: number; bytes: number } {
  const tree = join(work, 'plain-tree');
  const out = join(work, 'plain.squashfs');
  const debs = join(cacheDir(), 'debs');
  const t = Date.now();
  execFileSync('mmdebstrap', [
    '--variant=minbase', `--include=${DEBIAN.packages.join(',')}`, '--aptopt=Acquire::Check-Valid-Until "false"',
    '--skip=download/empty', '--skip=essential/unlink',
    '--setup-hook=mkdir -p "$1"/var/cache/apt/archives/', `--setup-hook=sync-in ${debs} /var/cache/apt/archives/`,
    `--customize-hook=sync-out /var/cache/apt/archives ${debs}`, DEBIAN.suite, tree, 'http://deb.debian.org/debian',
  ], { stdio: 'ignore' });
  execFileSync('mksquashfs', [tree, out, '-noappend', '-quiet'], { stdio: 'ignore' });
  const ms = Date.now() - t;
  const bytes = statSync(out).size;
  rmSync(tree, { recursive: true, force: true });
  rmSync(out, { force: true });
  return { ms, bytes };
}

function rackbootBuild(s: LabSession, name: string): { ms: number; bytes: number } {
  const t = Date.now();
  buildDebianImage(s, name);
  const ms = Date.now() - t;
  const img = (JSON.parse(s.cli('image', 'list', '--json')) as { name: string; size: number }[]).find((i) => i.name === name)!;
  return { ms, bytes: img.size };
}

/** Switch how nodes get the image, and restart rackboot with it. */
async function useMethod(s: LabSession, method: 'multicast' | 'http', n: number): Promise<void> {
  const config = parse(readFileSync(s.files.configFile, 'utf8')) as Record<string, any>;
  config.multicast = { maxBitrate: `${rateMbit}m`, autoPush: { enabled: method === 'multicast', minReceivers: n, maxWait: 60 } };
  writeFileSync(s.files.configFile, stringify(config));
  await s.server?.stop();
  await s.startServer();
}

interface NodeRun {
  upMs: number;
  transferMs: number;
}

async function bootRound(s: LabSession, nodes: { mac: string; hostname: string }[]): Promise<NodeRun[]> {
  const since = new Date().toISOString();
  const guests = nodes.map((n) => s.boot({ name: n.hostname, mac: n.mac, memoryMb: 1024, timeoutMs: 600_000 }));
  await Promise.all(guests.map((g) => g.waitForLine(new RegExp(`${PROBE} powering off`), 600_000).then(() => g.exited)));
  await new Promise((r) => setTimeout(r, 1000));
  return nodes.map((n, i) => {
    const ev = showNode(s.files.configFile, n.hostname).events.filter((e) => e.at >= since);
    const at = (stage: string): number => Date.parse(ev.find((e) => e.stage === stage)?.at ?? 'x');
    // The node times its own transfer (udp-receiver or wget), without the sha256 check after it.
    const fetch = /fetch=([\d.]+)s/.exec(ev.find((e) => e.stage === 'image-ok')?.detail ?? '');
    return { upMs: at('up') - guests[i]!.startedAt, transferMs: fetch ? Number(fetch[1]) * 1000 : NaN };
  });
}

async function main(): Promise<void> {
  const maxN = Math.max(...sizes);
  const s = await LabSession.open({ tag: 'rbbdl', subnet: '10.79.12', guests: maxN, httpPort: 8080, ipxeScript: false });
  const work = mkdtempSync('/var/tmp/rbbdl-');
  try {
    writeProbeOverlay(configureDiskless(s, { minReceivers: 2, maxWait: 60 }), { poweroff: true });
    const builds: Record<'rackboot' | 'plain', { ms: number; bytes: number }[]> = { rackboot: [], plain: [] };
    rackbootBuild(s, 'deb12'); // warms the .deb cache for both
    for (let r = 0; r < buildRounds; r++) {
      for (const who of r % 2 ? (['plain', 'rackboot'] as const) : (['rackboot', 'plain'] as const)) {
        const b = who === 'plain' ? plainBuild(work) : rackbootBuild(s, 'deb12');
        builds[who].push(b);
        say(`build round ${r + 1} ${who.padEnd(8)} ${secs(b.ms)} s, ${(b.bytes / 1e6).toFixed(1)} MB`);
      }
    }
    const image = (JSON.parse(s.cli('image', 'list', '--json')) as { name: string; size: number }[]).find((i) => i.name === 'deb12')!;
    s.cli('cluster', 'add', 'bench', '--nbmin', '1');
    s.cli('profile', 'add', 'deb12', '--image', 'deb12', '--kernel-from-image', '--args', 'console=ttyS0 panic=-1 net.ifnames=0', '--prompt', '0', '--timeout', '1', '--overlays', 'base,probe');
    const nodes = Array.from({ length: maxN }, (_, i) => ({ mac: `52:54:00:b0:0d:${(i + 1).toString(16).padStart(2, '0')}`, hostname: `bn${i + 1}`, ip: `10.79.12.${11 + i}` }));
    for (const n of nodes) s.cli('node', 'add', '--mac', n.mac, '--hostname', n.hostname, '--ip', n.ip, '--profile', 'deb12', '--cluster', 'bench');
    await s.startServer();
    execSync(`ip netns exec ${s.net.serverNs} tc qdisc replace dev ${s.net.serverIf} root tbf rate ${rateMbit}mbit burst 256kb latency 100ms`);
    const ideal = (image.size * 8) / (rateMbit * 1e6) * 1000;
    const results = new Map<string, NodeRun[]>();
    for (let r = 0; r < rounds; r++) {
      for (const n of sizes) {
        for (const method of r % 2 ? (['http', 'multicast'] as const) : (['multicast', 'http'] as const)) {
          await useMethod(s, method, n);
          const runs = await bootRound(s, nodes.slice(0, n));
          const key = `${n}/${method}`;
          results.set(key, [...(results.get(key) ?? []), ...runs]);
          say(`boot round ${r + 1} N=${n} ${method.padEnd(9)} up ${runs.map((x) => secs(x.upMs)).join(' ')} s; transfer ${runs.map((x) => secs(x.transferMs)).join(' ')} s`);
        }
      }
    }
    say('');
    say(`image ${(image.size / 1e6).toFixed(1)} MB; link ${rateMbit} Mbit/s → size ÷ rate = ${secs(ideal)} s`);
    say('| N | method | power-on → up, median (s) | slowest node, median of rounds (s) | transfer leg, median (s) | vs size ÷ rate |');
    say('|---|---|---|---|---|---|');
    for (const n of sizes) {
      for (const method of ['multicast', 'http'] as const) {
        const runs = results.get(`${n}/${method}`) ?? [];
        const slowest: number[] = [];
        for (let i = 0; i < runs.length; i += n) slowest.push(Math.max(...runs.slice(i, i + n).map((x) => x.upMs)));
        const t = median(runs.map((x) => x.transferMs));
        say(`| ${n} | ${method} | ${secs(median(runs.map((x) => x.upMs)))} | ${secs(median(slowest))} | ${secs(t)} | ${(t / ideal).toFixed(2)}× |`);
      }
    }
    if (buildRounds > 0) {
      const [rb, pl] = [builds.rackboot, builds.plain];
      say(`build: rackboot ${secs(median(rb.map((b) => b.ms)))} s, ${(median(rb.map((b) => b.bytes)) / 1e6).toFixed(1)} MB; plain mmdebstrap + mksquashfs ${secs(median(pl.map((b) => b.ms)))} s, ${(median(pl.map((b) => b.bytes)) / 1e6).toFixed(1)} MB; time ratio ${(median(rb.map((b) => b.ms)) / median(pl.map((b) => b.ms))).toFixed(2)}×`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    await s.close(true);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
