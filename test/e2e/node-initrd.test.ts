/**
 * rackboot's node initrd booted for real: the cloud kernel and the built initrd under QEMU
 * (direct kernel boot, TCG, a user-mode NIC whose DHCP is QEMU's own). The host is reached
 * from the guest as 10.0.2.2, where a small HTTP server stands in for rackboot: the plan,
 * the image, the node's overlay and /report. Assertions are on the serial console and the
 * reports, the two things an admin sees.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { makeWorkDir } from '../../lab/lib/bootfiles.js';
import { findGuestKernel } from '../../lab/lib/kernel.js';
import { createLabNet, destroyLabNet } from '../../lab/lib/netns.js';
import { Guest } from '../../lab/lib/qemu.js';
import { Service } from '../../lab/lib/service.js';
import { checkPrerequisites, PrerequisiteError, which } from '../../lab/lib/prereq.js';
import { encodeCpio } from '../../src/node/cpio.js';
import { buildNodeInitrd } from '../../src/node/initrd/index.js';
import { startDnsmasq } from './lib/dnsmasq.js';
import { setupOnce } from './lib/setup.js';

const MAC = '52:54:00:12:34:56';
const BOOTIF = `01-${MAC.replace(/:/g, '-')}`;
const ACCEL = process.env.RACKBOOT_E2E_ACCEL === 'kvm' ? 'kvm' : 'tcg';

/** The booted image's /sbin/init: one line proving the new root, the overlay and the moved /run, then off. */
const NEW_INIT = `#!/bin/busybox sh
/bin/busybox echo "newroot: up hostname=$(/bin/busybox cat /etc/hostname) run=$(/bin/busybox ls /run/rackboot | /bin/busybox tr '\\n' ,) root=$(/bin/busybox awk '$2 == "/" { t = $3 } END { print t }' /proc/mounts) pid=$$"
/bin/busybox poweroff -f
`;

interface Fixture {
  dir: string;
  kernel: string;
  initrd: string;
  image: Buffer;
  sha256: string;
}

function boot(f: Fixture, append: string, name: string): { serial: () => string; proc: ChildProcess } {
  const log = join(f.dir, `${name}.serial.log`);
  writeFileSync(log, '');
  const proc = spawn('qemu-system-x86_64', [
    '-accel', ACCEL, '-machine', 'pc', '-m', '384', '-smp', '1', '-nodefaults', '-display', 'none', '-vga', 'none',
    '-monitor', 'none', '-serial', `file:${log}`, '-no-reboot',
    '-nic', `user,model=virtio-net-pci,mac=${MAC}`,
    '-kernel', f.kernel, '-initrd', f.initrd, '-append', `console=ttyS0 panic=-1 ${append}`,
  ], { stdio: 'ignore' });
  guests.push(proc);
  return { proc, serial: () => readFileSync(log, 'latin1').replace(/\r/g, '') };
}

async function waitFor(serial: () => string, re: RegExp, ms: number): Promise<string> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const line = serial().split('\n').find((l) => re.test(l));
    if (line !== undefined) return line;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no serial line ${re} within ${ms} ms; console:\n${serial().slice(-3000)}`);
}

/** rackboot's node-facing routes, as far as the initrd uses them; `plan` may be edited per test. */
function fakeRackboot(f: Fixture, plan: (port: number) => string): Promise<{ server: Server; port: number; reports: string[]; paths: string[] }> {
  const reports: string[] = [];
  const paths: string[] = [];
  const overlay = encodeCpio([{ kind: 'dir', path: 'etc' }, { kind: 'file', path: 'etc/hostname', data: Buffer.from('node7\n') }]);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    paths.push(url.pathname);
    if (url.pathname === '/node/image' && url.searchParams.get('name') === 'deb12') res.end(plan(port));
    else if (url.pathname === '/images/deb12.squashfs') res.end(f.image);
    else if (url.pathname === `/boot/files/overlay/${MAC}.cpio`) res.end(overlay);
    else if (url.pathname === '/report') {
      reports.push(`${url.searchParams.get('stage')}:${url.searchParams.get('detail')}`);
      res.end('ok\n');
    } else res.writeHead(404).end('no\n');
  });
  let port = 0;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve({ server, port, reports, paths });
    }),
  );
}

const guests: ChildProcess[] = [];
const servers: Server[] = [];
const cleanups: (() => Promise<unknown> | void)[] = [];

describe('node initrd under QEMU', () => {
  const ready = setupOnce((): Fixture => {
    checkPrerequisites({ tools: ['qemu-system-x86_64'], files: ['busybox'] });
    if (!which('mksquashfs')) throw new PrerequisiteError('mksquashfs is not on PATH', ['squashfs-tools']);
    const k = findGuestKernel();
    const dir = makeWorkDir('rackboot-e2e-node-initrd');
    const initrd = join(dir, 'initrd.gz');
    writeFileSync(initrd, buildNodeInitrd({ modulesDir: k.modulesDir, kernelVersion: k.version }));
    const tree = join(dir, 'tree');
    for (const d of ['bin', 'sbin', 'etc', 'run', 'proc', 'sys', 'dev']) mkdirSync(join(tree, d), { recursive: true });
    copyFileSync('/bin/busybox', join(tree, 'bin/busybox'));
    writeFileSync(join(tree, 'sbin/init'), NEW_INIT, { mode: 0o755 });
    writeFileSync(join(tree, 'etc/hostname'), 'from-image\n');
    const img = join(dir, 'root.squashfs');
    execFileSync('mksquashfs', [tree, img, '-noappend', '-quiet', '-all-root', '-no-progress']);
    const image = readFileSync(img);
    return { dir, kernel: k.vmlinuz, initrd, image, sha256: createHash('sha256').update(image).digest('hex') };
  });

  afterEach(async () => {
    for (const g of guests.splice(0)) g.kill('SIGKILL');
    for (const s of servers.splice(0)) s.close();
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(() => {
    const f = (() => { try { return ready(); } catch { return undefined; } })();
    if (f && existsSync(f.dir) && !process.env.RACKBOOT_E2E_KEEP) rmSync(f.dir, { recursive: true, force: true });
  });

  it('parses the command line, loads the modules and, with no server, stops at image-bad without switching root', async () => {
    const f = ready();
    const g = boot(f, `rackboot.image=x rackboot.server=127.0.0.1:1 node_id=3 BOOTIF=${BOOTIF}`, 'no-server');
    await waitFor(g.serial, /^rackboot: cmdline image=x server=127\.0\.0\.1:1 root=overlay .*bootif=52:54:00:12:34:56 node_id=3/, 60_000);
    const mods = await waitFor(g.serial, /^rackboot: modules loaded:/, 30_000);
    for (const m of ['virtio_net', 'squashfs', 'loop', 'overlay']) expect(mods.split(' ')).toContain(m);
    expect(mods).not.toContain('failed');
    await waitFor(g.serial, /^rackboot: nic eth0 mac=52:54:00:12:34:56/, 30_000);
    await waitFor(g.serial, /^rackboot: image-bad: no plan from 127\.0\.0\.1:1/, 60_000);
    await waitFor(g.serial, /^rackboot: rescue shell/, 10_000);
    expect(g.serial()).not.toMatch(/switch-root|newroot: up/);
  });

  it('fetches the planned image over HTTP, applies the overlay, reports each stage and switches root', async () => {
    const f = ready();
    const s = await fakeRackboot(f, (port) => `method=http\nreason=multicast is off\nurl=http://10.0.2.2:${port}/images/deb12.squashfs\nsha256=${f.sha256}\nsize=${f.image.length}\n`);
    servers.push(s.server);
    const g = boot(f, `rackboot.image=deb12 rackboot.server=10.0.2.2:${s.port} node_id=7`, 'http-ok');
    await waitFor(g.serial, /^rackboot: image-ok sha256=/, 90_000);
    await waitFor(g.serial, /^rackboot: switch-root /, 30_000);
    const up = await waitFor(g.serial, /^newroot: up/, 30_000);
    // The overlay's hostname over the image's, /run moved with the initrd's files, init as PID 1.
    expect(up).toBe('newroot: up hostname=node7 run=lease,lower,overlay.cpio,plan,root.img,rw, root=overlay pid=1');
    expect(s.reports).toEqual(['image:http', expect.stringMatching(/^image-ok:http fetch=\d+\.\d\ds verify=\d+\.\d\ds$/), 'overlay:ok', 'switch-root:overlay']);
    expect(s.paths).toContain(`/boot/files/overlay/${MAC}.cpio`);
  });

  it('rackboot.root=ram: copies the image into a tmpfs root and deletes the file', async () => {
    const f = ready();
    const s = await fakeRackboot(f, (port) => `method=http\nurl=http://10.0.2.2:${port}/images/deb12.squashfs\nsha256=${f.sha256}\n`);
    servers.push(s.server);
    const g = boot(f, `rackboot.image=deb12 rackboot.server=10.0.2.2:${s.port} rackboot.root=ram`, 'http-ram');
    await waitFor(g.serial, /^rackboot: root mounted: ram/, 90_000);
    const up = await waitFor(g.serial, /^newroot: up/, 30_000);
    expect(up).toBe('newroot: up hostname=node7 run=lease,lower,overlay.cpio,plan, root=tmpfs pid=1');
    expect(s.reports).toEqual(['image:http', expect.stringMatching(/^image-ok:http fetch=\d+\.\d\ds verify=\d+\.\d\ds$/), 'overlay:ok', 'switch-root:ram']);
  });

  it('refuses an image whose sha256 does not match: retries over HTTP, then image-bad and no switch', async () => {
    const f = ready();
    const wrong = createHash('sha256').update('not the image').digest('hex');
    const s = await fakeRackboot(f, (port) => `method=http\nurl=http://10.0.2.2:${port}/images/deb12.squashfs\nsha256=${wrong}\n`);
    servers.push(s.server);
    const g = boot(f, `rackboot.image=deb12 rackboot.server=10.0.2.2:${s.port} rackboot.retries=2 rackboot.root=ram`, 'sha-bad');
    await waitFor(g.serial, /^rackboot: image-bad: sha256 mismatch/, 90_000);
    await waitFor(g.serial, /^rackboot: rescue shell/, 10_000);
    expect(g.serial()).toContain('image attempt 2 of 2 bad');
    expect(g.serial()).not.toMatch(/switch-root|newroot: up/);
    expect(s.reports).toEqual(['image:http', 'image:http', expect.stringMatching(/^image-bad:sha256 mismatch/)]);
    expect(s.paths.filter((p) => p === '/images/deb12.squashfs')).toHaveLength(2);
  });

  it('push-image command line, no rackboot: joins the stock udp-sender on rackboot.portbase, checks rackboot.sha256, switches root', async () => {
    const f = ready();
    checkPrerequisites({ root: true, tools: ['ip', 'dnsmasq'] });
    if (!which('udp-sender')) throw new PrerequisiteError('udp-sender is not on PATH', ['udpcast']);
    // A tap on a private bridge (lab/lib/netns.ts): multicast does not cross QEMU's user-mode NIC.
    const net = createLabNet({ tag: 'rbnimc', subnet: '10.79.3', taps: 1 });
    cleanups.push(() => destroyLabNet(net.tag));
    const tftp = join(f.dir, 'tftp');
    mkdirSync(tftp, { recursive: true });
    const dhcp = startDnsmasq(net, f.dir, tftp, [{ mac: MAC, ip: `${net.subnet}.31`, hostname: 'node31' }]);
    cleanups.push(() => dhcp.stop());
    const sender = new Service('udp-sender', net.serverNs, [
      'udp-sender', '--file', join(f.dir, 'root.squashfs'), '--portbase', '9010', '--interface', net.serverIf,
      '--nokbd', '--min-receivers', '1', '--max-wait', '120', '--no-progress',
    ], join(f.dir, 'udp-sender.log'));
    cleanups.push(() => sender.stop());
    const g = new Guest({
      name: 'mc', mac: MAC, tap: net.taps[0], netns: net.guestNs, serialLog: join(f.dir, 'mc.serial.log'), workDir: f.dir,
      accel: ACCEL, memoryMb: 384, timeoutMs: 180_000,
      direct: { kernel: f.kernel, initrd: f.initrd, append: `console=ttyS0 panic=-1 rackboot.image=deb12 rackboot.portbase=9010 rackboot.sha256=${f.sha256}` },
    });
    cleanups.push(() => g.stop());
    await g.waitForLine(/^rackboot: lease ip=10\.79\.3\.31\//, 90_000);
    await g.waitForLine(/^rackboot: no plan: joining the push on portbase 9010/, 60_000);
    await g.waitForLine(/^rackboot: image-ok sha256=[0-9a-f]{64} \(multicast\)/, 90_000);
    const up = await g.waitForLine(/^newroot: up/, 60_000);
    expect(up).toBe('newroot: up hostname=from-image run=lease,lower,root.img,rw, root=overlay pid=1');
  });
});
