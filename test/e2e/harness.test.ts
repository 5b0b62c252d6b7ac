/**
 * Harness self-check: the e2e machinery without any rackboot code. dnsmasq stands in for
 * DHCP + TFTP and a tiny node listener for the report-back endpoint, so this proves the
 * network namespaces, QEMU with its iPXE ROM, Debian's pxelinux, the cloud kernel and the
 * busybox initrd. When it passes and boot.test.ts fails, the fault is in rackboot.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkDir, stageLoader, writePxelinuxConfig } from '../../lab/lib/bootfiles.js';
import { createLabNet, destroyLabNet, type LabNet } from '../../lab/lib/netns.js';
import { checkPrerequisites } from '../../lab/lib/prereq.js';
import { Guest } from '../../lab/lib/qemu.js';
import type { Service } from '../../lab/lib/service.js';
import { startDnsmasq } from './lib/dnsmasq.js';
import { setupOnce } from './lib/setup.js';
import { prepareGuestImages, type GuestImages } from '../../lab/lib/guest-images.js';
import { reportsIn, startReportListener } from './lib/report-listener.js';

const TAG = 'rbteh';
const REPORT_PORT = 8081;
const GUEST = { mac: '52:54:00:7e:00:01', ip: '10.79.1.50', hostname: 'harness1', nodeId: 42 };

describe('e2e harness self-check (dnsmasq stand-in, no rackboot)', () => {
  let workDir: string;
  let net: LabNet;
  let images: GuestImages;
  let dnsmasq: Service | undefined;
  let listener: Service | undefined;
  let guest: Guest | undefined;
  let ok = false;

  const ready = setupOnce(async () => {
    checkPrerequisites({
      root: true,
      tools: ['qemu-system-x86_64', 'ip', 'dnsmasq'],
      files: ['pxelinux', 'ldlinux', 'busybox', 'pxeVirtioRom'],
    });
    workDir = makeWorkDir('rackboot-e2e-harness');
    net = createLabNet({ tag: TAG, subnet: '10.79.1', taps: 1 });
    const tftpRoot = join(workDir, 'tftp');
    stageLoader(tftpRoot);
    images = await prepareGuestImages(tftpRoot, workDir, `http://${net.serverIp}:${REPORT_PORT}/report?stage=up`);
    writePxelinuxConfig(tftpRoot, '', GUEST.mac, {
      kernel: 'vmlinuz',
      initrd: 'initrd.gz',
      append: `console=ttyS0 panic=-1 node_id=${GUEST.nodeId}`,
    });
    dnsmasq = startDnsmasq(net, workDir, tftpRoot, [GUEST]);
    listener = startReportListener(net, workDir, REPORT_PORT);
    await dnsmasq.waitFor(/TFTP root is/, 10_000);
    await listener.waitFor(/^listening/, 10_000);
  });

  afterAll(async () => {
    await guest?.stop();
    await dnsmasq?.stop();
    await listener?.stop();
    destroyLabNet(TAG);
    if (ok) rmSync(workDir, { recursive: true, force: true });
    else if (workDir) console.error(`harness logs kept in ${workDir}`);
  });

  it('PXE-boots one guest: iPXE → pxelinux → per-MAC config → kernel → initrd → lease → report → poweroff', async () => {
    ready();
    guest = new Guest({
      name: 'harness1',
      mac: GUEST.mac,
      tap: net.taps[0],
      netns: net.guestNs,
      serialLog: join(workDir, 'harness1.serial.log'),
      workDir,
      accel: images.accel,
      timeoutMs: 240_000,
    });
    const done = await guest.waitForLine(/rackboot-e2e: done/, 240_000);
    const exit = await guest.exited;
    const seconds = (Date.now() - guest.startedAt) / 1000;
    console.log(`harness guest: PXE power-on to poweroff in ${seconds.toFixed(1)} s (${guest.accel})`);

    const serial = guest.serial();
    expect(serial, guest.describe()).toMatch(/PXELINUX \d/); // pxelinux ran and read our SERIAL directive
    expect(serial).toContain(`rackboot-e2e: node_id=${GUEST.nodeId}`);
    expect(serial).toContain(`rackboot-e2e: mac=${GUEST.mac}`);
    expect(serial).toMatch(new RegExp(`rackboot-e2e: lease ip=${GUEST.ip.replace(/\./g, '\\.')} mask=24 hostname=${GUEST.hostname} `));
    expect(done).toContain(`ip=${GUEST.ip} report=ok`);
    expect(exit).toEqual({ code: 0, signal: null, timedOut: false }); // poweroff -f, not the timeout

    // dnsmasq saw the PXE ROM, then served the loader, ldlinux, the per-MAC config, kernel, initrd.
    const log = dnsmasq!.output();
    expect(log).toMatch(/vendor class: PXEClient:Arch:00000/);
    for (const f of ['pxelinux.0', 'ldlinux.c32', 'pxelinux.cfg/01-52-54-00-7e-00-01', 'vmlinuz', 'initrd.gz']) {
      expect(log, `dnsmasq should have sent ${f}`).toMatch(new RegExp(`sent \\S*/${f.replace(/\./g, '\\.')} to ${GUEST.ip.replace(/\./g, '\\.')}`));
    }
    // The report came from the guest's own leased address.
    expect(reportsIn(listener!)).toEqual([{ method: 'GET', url: '/report?stage=up', from: GUEST.ip }]);
    ok = true;
  });
});
