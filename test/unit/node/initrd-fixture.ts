import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

let root: string | undefined;

/** A fresh folder under this test file's own temporary root (removed by removeTemp). */
export function tempDir(prefix: string): string {
  root ??= mkdtempSync(join(tmpdir(), 'rb-initrd-test-'));
  return mkdtempSync(join(root, prefix));
}

/** For afterAll: drop every folder tempDir made. */
export function removeTemp(): void {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
}

/**
 * A small kernel modules folder shaped like Debian's: modules.dep with dependencies,
 * modules.builtin (loop is built in), compressed modules (.ko.xz, .ko.zst). Each module
 * file holds "MOD <name>" so a test can tell which one landed where.
 */
export const FIXTURE_DEP = `kernel/drivers/net/virtio_net.ko.xz: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko
kernel/net/core/failover.ko:
kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_ring.ko:
kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko:
kernel/fs/squashfs/squashfs.ko.zst:
kernel/fs/overlayfs/overlay.ko:
`;

export function makeModulesDir(parent = tempDir('mods-'), version = '9.9.9-test'): string {
  const dir = join(parent, version);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'modules.dep'), FIXTURE_DEP);
  writeFileSync(join(dir, 'modules.builtin'), 'kernel/drivers/block/loop.ko\nkernel/fs/ext4/ext4.ko\n');
  for (const line of FIXTURE_DEP.split('\n').filter(Boolean)) {
    const path = line.slice(0, line.indexOf(':'));
    const name = path.split('/').at(-1)!.replace(/\.ko.*$/, '');
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    const data = Buffer.from(`MOD ${name}\n`);
    if (path.endsWith('.xz')) writeFileSync(file, execFileSync('xz', ['-c'], { input: data }));
    else if (path.endsWith('.zst')) writeFileSync(file, execFileSync('zstd', ['-q', '-c'], { input: data }));
    else writeFileSync(file, data);
  }
  return dir;
}

/** The order the fixture must load in for the default NIC list plus the root modules. */
export const FIXTURE_ORDER = ['virtio_ring', 'virtio', 'virtio_pci', 'failover', 'net_failover', 'virtio_net', 'e1000e', 'squashfs', 'overlay'];
