/**
 * End to end through rackboot itself: `rackboot serve` (DHCP full mode, TFTP, HTTP) in a
 * network namespace, QEMU guests whose iPXE option ROM is the real PXE firmware, Debian's
 * pxelinux.0 + ldlinux.c32, per-MAC pxelinux.cfg rendered from the inventory, the Debian
 * cloud kernel and a busybox initrd that reports back. Asserts on the guests' serial
 * consoles and on the stages the inventory recorded (`rackboot node show --json`).
 */
import { describe, expect, it } from 'vitest';
import { LabSession } from '../../lab/lib/session.js';
import { listDiscovered } from '../../lab/lib/rackboot.js';
import { labSuite, registerNode } from './lib/setup.js';
import { BIOS_STAGES, bootToPoweroff, expectRegisteredBoot, expectStagesInOrder, settledNode } from './lib/expect-boot.js';

const HTTP_PORT = 8080;
const GUEST_ARGS = 'console=ttyS0 panic=-1';

/** Register the lab's profiles: what registered nodes boot, and the discovery default. */
function addProfiles(s: LabSession, kernel: string, initrd: string): void {
  // PROMPT 0 + TIMEOUT 1 (a tenth of a second): pxelinux boots DEFAULT at once. TIMEOUT 0 would wait forever.
  const common = ['--kernel', kernel, '--initrd', initrd, '--prompt', '0', '--timeout', '1'];
  s.cli('profile', 'add', 'diskless', ...common, '--args', `${GUEST_ARGS} rbprofile=diskless`);
  s.cli('profile', 'add', 'discovery', ...common, '--args', `${GUEST_ARGS} rbprofile=discovery`);
}

describe('rackboot boots two registered guests and one unregistered at once (flat layout), then the registered-from-discovered one', () => {
  const N1 = { mac: '52:54:00:e2:00:01', ip: '10.79.2.11', hostname: 'e2e-n1', nodeId: 1 };
  const N2 = { mac: '52:54:00:e2:00:02', ip: '10.79.2.12', hostname: 'e2e-n2', nodeId: 7 };
  const UNKNOWN_MAC = '52:54:00:e2:00:99';
  const { ready, passed } = labSuite({ tag: 'rbtea', subnet: '10.79.2', guests: 4, httpPort: HTTP_PORT, defaultProfile: 'discovery', ipxeScript: false }, (s) => {
    addProfiles(s, 'images/vmlinuz', 'images/initrd.gz');
    for (const n of [N1, N2]) registerNode(s, n, 'diskless');
  });

  it('each registered guest boots with its own node_id and fixed address and reports up; the unknown one is discovered, boots the default profile, and boots as a node once added --from-discovered', async () => {
    const session = ready();
    const g1 = session.boot({ name: 'n1', mac: N1.mac });
    const g2 = session.boot({ name: 'n2', mac: N2.mac });
    const g3 = session.boot({ name: 'unknown', mac: UNKNOWN_MAC });
    const [serial1, serial2, serial3] = await Promise.all([bootToPoweroff(g1), bootToPoweroff(g2), bootToPoweroff(g3)]);

    expectRegisteredBoot(serial1, N1, g1);
    expectRegisteredBoot(serial2, N2, g2);
    expect(serial1).toMatch(/rackboot-e2e: cmdline=.*rbprofile=diskless.*node_id=1\b/);
    expect(serial2).toMatch(/rackboot-e2e: cmdline=.*rbprofile=diskless.*node_id=7\b/);
    expectStagesInOrder(await settledNode(session.files.configFile, N1.hostname, BIOS_STAGES), BIOS_STAGES);
    expectStagesInOrder(await settledNode(session.files.configFile, N2.hostname, BIOS_STAGES), BIOS_STAGES);

    // The unregistered guest: the default profile, no node_id, a pool address, and recorded
    // as discovered with its architecture (option 93 = 0, BIOS). Its report-back is refused:
    // rackboot accepts reports only from registered nodes' addresses.
    expect(serial3, g3.describe()).toContain('rackboot-e2e: node_id=none\n');
    expect(serial3).toMatch(/rackboot-e2e: cmdline=.*rbprofile=discovery/);
    expect(serial3).toMatch(/rackboot-e2e: lease ip=10\.79\.2\.(1[0-4]\d|150) mask=24 /);
    expect(serial3).toMatch(/rackboot-e2e: done node_id=none ip=10\.79\.2\.\d+ report=failed/);
    const found = listDiscovered(session.files.configFile).find((d) => d.mac === UNKNOWN_MAC);
    expect(found, 'the unknown MAC should be listed by rackboot node discovered').toMatchObject({ mac: UNKNOWN_MAC, arch: 0 });
    expect(session.cli('node', 'list', '--json')).not.toContain(UNKNOWN_MAC);

    // The admin registers it from the discovered list with one command; its next boot is
    // a registered one, with no restart of rackboot.
    const N3 = { mac: UNKNOWN_MAC, ip: '10.79.2.13', hostname: 'e2e-n3', nodeId: 3 };
    session.cli('node', 'add', '--from-discovered', UNKNOWN_MAC, '--hostname', N3.hostname, '--ip', N3.ip, '--node-id', String(N3.nodeId), '--profile', 'diskless');
    const g4 = session.boot({ name: 'n3-registered', mac: UNKNOWN_MAC });
    const serial4 = await bootToPoweroff(g4);
    expectRegisteredBoot(serial4, N3, g4);
    expect(serial4).toMatch(/rackboot-e2e: cmdline=.*rbprofile=diskless.*node_id=3\b/);
    expectStagesInOrder(await settledNode(session.files.configFile, N3.hostname, BIOS_STAGES), BIOS_STAGES);
    passed();
  });
});

describe('rackboot boots a guest with the seed layout (X86PC/linux/linux.0 + pathprefix)', () => {
  const N = { mac: '52:54:00:e2:01:01', ip: '10.79.3.21', hostname: 'e2e-seed1', nodeId: 3 };
  const { ready, passed } = labSuite(
    {
      tag: 'rbtes',
      subnet: '10.79.3',
      guests: 1,
      httpPort: HTTP_PORT,
      ipxeScript: false,
      biosLoader: 'X86PC/linux/linux.0',
      pathPrefix: 'X86PC/linux/',
      loaderCopy: 'X86PC/linux/linux.0',
    },
    (s) => {
      // pxelinux resolves these against the prefix: it asks for X86PC/linux/images/vmlinuz,
      // which the session put under the boot folder, as the seed tree had it.
      addProfiles(s, 'images/vmlinuz', 'images/initrd.gz');
      registerNode(s, N, 'diskless');
    },
  );

  it('loads linux.0 from the prefix, resolves its per-MAC config under the prefix, boots and reports up', async () => {
    const session = ready();
    const g = session.boot({ name: 'seed1', mac: N.mac });
    const serial = await bootToPoweroff(g);
    expectRegisteredBoot(serial, N, g);
    const shown = await settledNode(session.files.configFile, N.hostname, BIOS_STAGES);
    expectStagesInOrder(shown, BIOS_STAGES);
    // The loader and config stages were reached through the prefixed paths.
    const log = session.server!.output();
    expect(log).toMatch(/X86PC\/linux\/linux\.0/);
    expect(log).toMatch(/X86PC\/linux\/pxelinux\.cfg\/01-52-54-00-e2-01-01/);
    expect(log).toMatch(/sent .*path=X86PC\/linux\/images\/vmlinuz/);
    expect(shown.events.find((e) => e.stage === 'loader')?.detail).toBe('X86PC/linux/linux.0');
    passed();
  });
});

describe('rackboot boots a UEFI guest (OVMF + iPXE EFI ROM, option 93 = 7 → syslinux.efi)', () => {
  const N = { mac: '52:54:00:e2:02:01', ip: '10.79.4.31', hostname: 'e2e-uefi1', nodeId: 5 };
  const { ready, passed } = labSuite({ tag: 'rbteu', subnet: '10.79.4', guests: 1, httpPort: HTTP_PORT, ipxeScript: false, efiLoader: 'syslinux.efi', efi: true }, (s) => {
    addProfiles(s, 'images/vmlinuz', 'images/initrd.gz');
    registerNode(s, N, 'diskless');
  });

  it('the EFI firmware gets the EFI loader, which loads its config, kernel and initrd; the node reports up', async () => {
    const session = ready();
    const g = session.boot({ name: 'uefi1', mac: N.mac, firmware: 'uefi' });
    const serial = await bootToPoweroff(g);
    expectRegisteredBoot(serial, N, g);
    expect(serial).toMatch(/iPXE .* Open Source Network Boot Firmware/); // the EFI console is on ttyS0 too
    expect(serial).toContain('Filename: syslinux.efi');
    const shown = await settledNode(session.files.configFile, N.hostname, BIOS_STAGES);
    expectStagesInOrder(shown, BIOS_STAGES);
    expect(shown.events.find((e) => e.stage === 'discover')?.detail).toMatch(/^PXEClient:Arch:00007:/);
    expect(shown.events.find((e) => e.stage === 'loader')?.detail).toBe('syslinux.efi');
    const log = session.server!.output();
    expect(log).toMatch(/sent .*path=ldlinux\.e64/);
    passed();
  });
});

describe('rackboot chainloads iPXE to its HTTP script (loaders.ipxeScript: true)', () => {
  const N = { mac: '52:54:00:e2:03:01', ip: '10.79.5.41', hostname: 'e2e-ipxe1', nodeId: 9 };
  const { ready, passed } = labSuite({ tag: 'rbtei', subnet: '10.79.5', guests: 1, httpPort: HTTP_PORT, ipxeScript: true }, (s) => {
    addProfiles(s, 'images/vmlinuz', 'images/initrd.gz');
    registerNode(s, N, 'diskless');
  });

  it('the iPXE ROM (user class iPXE) gets its script URL, fetches kernel and initrd over HTTP, and the node reports up', async () => {
    const session = ready();
    const g = session.boot({ name: 'ipxe1', mac: N.mac });
    const serial = await bootToPoweroff(g);
    expectRegisteredBoot(serial, N, g);
    expect(serial).toMatch(/rackboot-e2e: cmdline=.*rbprofile=diskless.*node_id=9\b/);
    // No loader stage: the ROM itself runs the script; nothing is fetched over TFTP.
    const ipxeStages = ['discover', 'offer', 'ack', 'config', 'kernel', 'initrd', 'os-lease', 'up'];
    const shown = await settledNode(session.files.configFile, N.hostname, ipxeStages);
    expectStagesInOrder(shown, ipxeStages);
    expect(shown.events.find((e) => e.stage === 'config')?.detail).toMatch(/boot\/52:54:00:e2:03:01\.ipxe\b/);
    expect(shown.events.some((e) => e.stage === 'loader')).toBe(false);
    passed();
  });
});
