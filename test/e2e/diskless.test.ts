/**
 * Issue 22 end to end: a real Debian bookworm root built by `rackboot image build --debian`
 * (systemd, the cloud kernel), booted by QEMU guests through rackboot's PXE path into
 * rackboot's own node initrd, which gets the image (one multicast push for two guests
 * booting together, HTTP for a guest booting alone), verifies it, mounts it under a RAM
 * layer, applies the node's overlay and switches root; systemd reaches multi-user.target
 * and the overlay's unit reports `up`. A guest whose image fails its checksum reports
 * `image-bad` and never switches root. Asserts on the consoles and the inventory.
 */
import { closeSync, copyFileSync, mkdirSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDebianImage, configureDiskless, probedKerrighedNodes, PROBE, writeProbeOverlay } from '../../lab/lib/diskless.js';
import type { Guest } from '../../lab/lib/qemu.js';
import type { LabSession } from '../../lab/lib/session.js';
import { showNode } from '../../lab/lib/rackboot.js';
import { expectStagesInOrder, settledNode } from './lib/expect-boot.js';
import { labSuite, registerNode, type TestNode } from './lib/setup.js';

const HTTP_PORT = 8080;
const ARGS = 'console=ttyS0 panic=-1 net.ifnames=0';
const N1: TestNode = { mac: '52:54:00:e2:22:01', ip: '10.79.8.11', hostname: 'krg1', nodeId: 1 };
const N2: TestNode = { mac: '52:54:00:e2:22:02', ip: '10.79.8.12', hostname: 'krg2', nodeId: 2 };
const N3: TestNode = { mac: '52:54:00:e2:22:03', ip: '10.79.8.13', hostname: 'krg3', nodeId: 3 };
const BAD: TestNode = { mac: '52:54:00:e2:22:04', ip: '10.79.8.14', hostname: 'bad1', nodeId: 4 };
const BOOT_MS = 420_000;
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The image `bad`: deb12's files with one byte of the squashfs changed after registration. */
function registerCorruptCopy(s: LabSession): void {
  const from = join(s.files.imagesDir, 'deb12');
  const to = join(s.files.imagesDir, 'bad');
  mkdirSync(to, { recursive: true });
  const root = readdirSync(from).find((f) => f.endsWith('.squashfs'))!;
  for (const f of ['vmlinuz', 'initrd.gz', root]) copyFileSync(join(from, f), join(to, f));
  s.cli('image', 'add', 'bad', `bad/${root}`, '--kind', 'rootfs');
  const fd = openSync(join(to, root), 'r+');
  writeSync(fd, Buffer.from('corrupt'), 0, 7, Math.floor(statSync(join(to, root)).size / 2));
  closeSync(fd);
}

/** What every good guest shows: its own identity, inside the image, under systemd. */
function expectBootedIntoImage(serial: string, n: TestNode, g: Guest, kerrighedNodes: string): void {
  const why = g.describe(60);
  expect(serial, why).toContain(`${PROBE} hostname=${n.hostname}\n`);
  expect(serial, why).toMatch(new RegExp(`${PROBE} cmdline=.*rackboot\\.image=deb12 .*node_id=${n.nodeId}\\b`));
  expect(serial, why).toMatch(new RegExp(`${PROBE} root=overlay .*lowerdir=/run/rackboot/lower`));
  expect(serial, why).toContain(`${PROBE} multi-user.target=active\n`);
  expect(serial, why).toContain(`${PROBE} report=active\n`);
  expect(probedKerrighedNodes(serial), why).toBe(kerrighedNodes);
}

describe('diskless Debian: image build, node initrd, multicast for a rack, HTTP alone, overlays, switch root', () => {
  let kerrighedNodes = '';
  const { ready, passed } = labSuite({ tag: 'rbtdl', subnet: '10.79.8', guests: 4, httpPort: HTTP_PORT, ipxeScript: false }, (s) => {
    const overlays = configureDiskless(s, { minReceivers: 2, maxWait: 20 });
    writeProbeOverlay(overlays, { poweroff: true });
    const t0 = Date.now();
    console.log(buildDebianImage(s, 'deb12'));
    console.log(`image build --debian: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    registerCorruptCopy(s);
    s.cli('cluster', 'add', 'krg', '--session', '1', '--nbmin', '3');
    const common = ['--args', ARGS, '--prompt', '0', '--timeout', '1', '--overlays', 'base,probe'];
    s.cli('profile', 'add', 'deb12', '--image', 'deb12', '--kernel-from-image', ...common);
    // `image add` registers a file, not a build: no kernel of its own, so the copied ones are named.
    s.cli('profile', 'add', 'bad', '--image', 'bad', '--kernel', 'images/bad/vmlinuz', '--initrd', 'images/bad/initrd.gz', ...common);
    for (const n of [N1, N2, N3]) registerNode(s, n, 'deb12');
    registerNode(s, BAD, 'bad');
    for (const n of [N1, N2, N3]) s.cli('node', 'set', n.hostname, '--cluster', 'krg');
    kerrighedNodes = s.cli('render', '--cluster', 'krg', '--what', 'kerrighed_nodes');
  });

  it('two guests booting together get the image by one multicast push and boot into it; a guest with a corrupted image reports image-bad and never switches root', async () => {
    const s = ready();
    const g1 = s.boot({ name: 'krg1', mac: N1.mac, memoryMb: 1024, timeoutMs: BOOT_MS });
    const g2 = s.boot({ name: 'krg2', mac: N2.mac, memoryMb: 1024, timeoutMs: BOOT_MS });
    const gb = s.boot({ name: 'bad1', mac: BAD.mac, memoryMb: 1024, timeoutMs: BOOT_MS });

    await gb.waitForLine(/rackboot: stopped: image-bad/, BOOT_MS);
    const [serial1, serial2] = await Promise.all([g1, g2].map(async (g) => {
      await g.waitForLine(new RegExp(`${esc(PROBE)} powering off`), BOOT_MS);
      await g.exited;
      return g.serial();
    }));
    expectBootedIntoImage(serial1, N1, g1, kerrighedNodes);
    expectBootedIntoImage(serial2, N2, g2, kerrighedNodes);
    for (const serial of [serial1, serial2]) expect(serial).toMatch(/rackboot: image-ok sha256=[0-9a-f]{64} \(multicast\)/);

    // One push, to both nodes, started by rackboot itself.
    const pushes = JSON.parse(s.cli('push', 'list', '--json')) as { id: number; image: string; state: string; startedBy: string; target: string }[];
    expect(pushes.filter((p) => p.image === 'deb12')).toEqual([expect.objectContaining({ image: 'deb12', state: 'done', startedBy: 'auto' })]);
    for (const n of [N1, N2]) {
      const shown = await settledNode(s.files.configFile, n.hostname, ['push-joined', 'push-done', 'image-ok', 'overlay', 'switch-root', 'up']);
      expectStagesInOrder(shown, ['offer', 'ack', 'kernel', 'initrd', 'image', 'push-joined', 'push-done', 'image-ok', 'overlay', 'switch-root', 'up']);
      expect(shown.events.find((e) => e.stage === 'image')?.detail).toBe('multicast');
    }

    // The corrupted image: checked on every attempt, never switched into.
    const serialBad = gb.serial();
    expect(serialBad).not.toMatch(/rackboot: switch-root/);
    expect(serialBad).toContain('NOT booting it');
    expect(serialBad).not.toContain(PROBE);
    const bad = showNode(s.files.configFile, BAD.hostname);
    expect(bad.lastStage).toBe('image-bad');
    expect(bad.events.map((e) => e.stage)).not.toContain('switch-root');
    await gb.stop();
  });

  it('a guest booting alone gets the image over HTTP and boots into it', async () => {
    const s = ready();
    const g3 = s.boot({ name: 'krg3', mac: N3.mac, memoryMb: 1024, timeoutMs: BOOT_MS });
    await g3.waitForLine(new RegExp(`${esc(PROBE)} powering off`), BOOT_MS);
    await g3.exited;
    const serial = g3.serial();
    expectBootedIntoImage(serial, N3, g3, kerrighedNodes);
    expect(serial).toMatch(/rackboot: image-ok sha256=[0-9a-f]{64} \(http\)/);
    const shown = await settledNode(s.files.configFile, N3.hostname, ['image', 'image-ok', 'overlay', 'switch-root', 'up']);
    expectStagesInOrder(shown, ['offer', 'ack', 'kernel', 'initrd', 'image', 'image-ok', 'overlay', 'switch-root', 'up']);
    expect(shown.events.find((e) => e.stage === 'image')?.detail).toBe('http');
    passed();
  });
});
