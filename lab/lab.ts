/**
 * `npm run lab`: the newcomer's demo. Builds a private network (network namespaces, a
 * bridge, a tap), starts `rackboot serve` in it, registers a demo node, PXE-boots it in
 * QEMU and prints each boot stage as rackboot records it, then cleans everything up — also
 * on Ctrl-C, and also what a previous crashed run left behind. Needs root on Linux.
 */
import { checkPrerequisites, PrerequisiteError } from './lib/prereq.js';
import { LabSession } from './lib/session.js';
import { StageWatcher } from './lib/stages.js';
import { destroyLabNet } from './lib/netns.js';
import { MARKER } from './lib/initrd.js';
import { execFileSync } from 'node:child_process';
import { cacheDir, configureDiskless, DEBIAN, debianBuildArgs, PROBE, writeProbeOverlay } from './lib/diskless.js';
import { rackbootBin } from './lib/rackboot.js';

const TAG = 'rblab';
const DEMO = { mac: '52:54:00:1a:b0:01', hostname: 'demo1', ip: '10.79.9.11', nodeId: 1 };
const BOOT_TIMEOUT_MS = 300_000;
/** `npm run lab -- --diskless`: a real Debian image instead of the busybox demo initrd. */
const DISKLESS = process.argv.includes('--diskless');

const say = (text: string): void => void process.stdout.write(`${text}\n`);
const elapsed = (t0: number): string => `+${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s`;

let session: LabSession | undefined;
let stopping = false;

async function shutdown(reason: string, code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say(`\n${reason}: stopping QEMU and rackboot, removing the lab network (${TAG}-*)…`);
    try {
      await session?.close(code === 0);
    } finally {
      destroyLabNet(TAG);
    }
    if (code !== 0 && session) say(`logs kept in ${session.workDir}`);
    say('lab cleaned up.');
  }
  process.exit(code);
}

async function main(): Promise<void> {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void shutdown(sig, 130));
  // Output piped into `head` or a closed terminal must not kill the lab before it cleans up.
  process.stdout.on('error', () => undefined);
  // Last resort for any exit path that skipped shutdown(): synchronous, kills by pid what is
  // left inside the lab's namespaces and deletes them.
  process.on('exit', () => {
    if (!stopping) destroyLabNet(TAG);
  });
  process.on('uncaughtException', (e) => {
    say(`rackboot lab: ${e.stack ?? String(e)}`);
    void shutdown('error', 1);
  });

  say('rackboot lab: a private network with rackboot and one QEMU machine that PXE-boots from it.');
  checkPrerequisites({ root: true, tools: ['qemu-system-x86_64', 'ip'], files: ['pxelinux', 'ldlinux', 'busybox', 'pxeVirtioRom'] });
  say(`cleaning leftovers of earlier runs (network namespaces ${TAG}-*)…`);
  destroyLabNet(TAG);
  session = await LabSession.open({ tag: TAG, subnet: '10.79.9', guests: 1, httpPort: 8080, defaultProfile: DISKLESS ? null : 'discovery', ipxeScript: false });
  const s = session;
  say(`network: ${s.net.serverNs} (rackboot on ${s.net.serverIf} ${s.net.serverIp}/24) ↔ bridge ${s.net.bridge} in ${s.net.guestNs} ↔ tap ${s.net.taps[0]}`);
  say(`guest kernel ${s.images.kernel.version}, busybox initrd built in ${s.workDir}; QEMU acceleration: ${s.images.accel}`);

  if (DISKLESS) registerDiskless(s);
  else registerDemo(s);

  const server = await s.startServer();
  say(`rackboot serve is running in ${s.net.serverNs} (config ${s.files.configFile}, log ${server.logFile}); it says:`);
  for (const line of server.output().split('\n')) {
    if (/^\S+ INFO {2}(DHCP|TFTP on|HTTP on)/.test(line)) say(`  ${line.replace(/^\S+ INFO {2}/, '').slice(0, 160)}`);
  }

  const t0 = Date.now();
  const guest = s.boot({ name: DEMO.hostname, mac: DEMO.mac, timeoutMs: DISKLESS ? 2 * BOOT_TIMEOUT_MS : BOOT_TIMEOUT_MS, memoryMb: DISKLESS ? 1024 : undefined });
  say(`powered on ${DEMO.hostname} (${DEMO.mac}); serial console → ${guest.opts.serialLog}`);
  say('boot stages as rackboot records them, and what the machine prints:');

  const watcher = new StageWatcher(s.files.database, DEMO.mac);
  let printedLines = 0;
  let exited = false;
  void guest.exited.then(() => (exited = true));
  try {
    for (;;) {
      for (const e of watcher.poll()) say(`  ${elapsed(t0)}  stage ${e.stage.padEnd(9)} ${e.detail ?? ''}`);
      const lines = guest.serial().split('\n').filter((l) => GUEST_LINE.test(l));
      for (const l of lines.slice(printedLines)) say(`  ${elapsed(t0)}  guest  ${l.replace(GUEST_LINE, '').trim()}`);
      printedLines = lines.length;
      if (exited) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const e of watcher.poll()) say(`  ${elapsed(t0)}  stage ${e.stage.padEnd(9)} ${e.detail ?? ''}`);
  } finally {
    watcher.close();
  }

  const exit = await guest.exited;
  const up = DISKLESS ? new RegExp(`${PROBE} report=active`).test(guest.serial()) : /report=ok/.test(guest.serial());
  say('');
  say(s.cli('node', 'show', DEMO.hostname).trimEnd());
  say('');
  if (exit.timedOut || !up) {
    say(`the machine did not report back (${exit.timedOut ? 'timed out' : `QEMU exit ${exit.code}`}); last serial lines:`);
    say(guest.describe(25));
    await shutdown('failed', 1);
  }
  say(`${DEMO.hostname} booted through rackboot and reported up in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
  await shutdown('done', 0);
}

/** What the guest prints that the lab shows: the demo initrd's lines, or the node initrd's and the booted image's. */
const GUEST_LINE = DISKLESS ? new RegExp(`^(rackboot:|${PROBE})`) : new RegExp(`^${MARKER}`);

/** The busybox demo: a profile with the lab's kernel and initrd, and the demo node. */
function registerDemo(s: LabSession): void {
  const args = 'console=ttyS0 panic=-1';
  const files = ['--kernel', 'images/vmlinuz', '--initrd', 'images/initrd.gz', '--prompt', '0', '--timeout', '1'];
  s.cli('profile', 'add', 'diskless', ...files, '--args', args);
  s.cli('profile', 'add', 'discovery', ...files, '--args', `${args} discovery=1`);
  s.cli('node', 'add', '--mac', DEMO.mac, '--hostname', DEMO.hostname, '--ip', DEMO.ip, '--node-id', String(DEMO.nodeId), '--profile', 'diskless');
  say(`registered: rackboot node add --mac ${DEMO.mac} --hostname ${DEMO.hostname} --ip ${DEMO.ip} --node-id ${DEMO.nodeId} --profile diskless`);
}

/** The diskless walkthrough of the README: build a Debian image, a cluster, a profile booting it, the node. */
function registerDiskless(s: LabSession): void {
  writeProbeOverlay(configureDiskless(s, { minReceivers: 2, maxWait: 5 }), { poweroff: true });
  const run = (...args: string[]): void => {
    say(`$ rackboot ${args.join(' ')}`);
    execFileSync(process.execPath, [rackbootBin(), '--config', s.files.configFile, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  };
  say(`building a Debian ${DEBIAN.suite} image (${DEBIAN.packages.join(', ')}); downloads cached in ${cacheDir()}…`);
  const t = Date.now();
  run(...debianBuildArgs('deb12'));
  say(`image built in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  run('cluster', 'add', 'demo', '--session', '1', '--nbmin', '1');
  run('profile', 'add', 'debian', '--image', 'deb12', '--kernel-from-image', '--args', 'console=ttyS0 panic=-1 net.ifnames=0', '--prompt', '0', '--timeout', '1', '--overlays', 'base,probe');
  run('node', 'add', '--mac', DEMO.mac, '--hostname', DEMO.hostname, '--ip', DEMO.ip, '--node-id', String(DEMO.nodeId), '--profile', 'debian', '--cluster', 'demo');
}

main().catch(async (e: unknown) => {
  if (e instanceof PrerequisiteError) {
    say(`rackboot lab: ${e.message}`);
    process.exit(2);
  }
  say(`rackboot lab failed: ${(e as Error).stack ?? String(e)}`);
  await shutdown('error', 1);
});
