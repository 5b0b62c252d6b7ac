import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { kernelVersions, moduleLoadOrder, NIC_MODULES, readModule, resolveModules, ROOT_MODULES } from '../../../src/node/initrd/modules.js';
import { FIXTURE_ORDER, makeModulesDir, removeTemp } from './initrd-fixture.js';

afterAll(removeTemp);

describe('node initrd modules (modules.dep)', () => {
  const dir = makeModulesDir();

  it('orders dependencies first, skips absent optional NIC drivers, needs no file for built-ins', () => {
    const order = resolveModules(dir, { optional: NIC_MODULES, required: ROOT_MODULES });
    expect(order.map((m) => m.name)).toEqual(FIXTURE_ORDER);
    // tg3, igb … are not in this kernel: skipped silently. loop is built in: no file.
    expect(order.find((m) => m.name === 'loop')).toBeUndefined();
    expect(order.find((m) => m.name === 'virtio_net')?.path).toBe('kernel/drivers/net/virtio_net.ko.xz');
  });

  it('an absent required module is an error naming it; dashes and underscores are one name', () => {
    expect(() => resolveModules(dir, { optional: NIC_MODULES, required: [...ROOT_MODULES, 'bnx2x'] })).toThrow(/bnx2x/);
    expect(() => moduleLoadOrder(dir, ['virtio_net', 'tg3'])).toThrow(/tg3/);
    expect(resolveModules(dir, { required: ['net-failover'] }).map((m) => m.name)).toEqual(['failover', 'net_failover']);
  });

  it('a missing required root module (no file, not built in) is an error too', () => {
    expect(() => resolveModules(dir, { required: ['squashfs', 'loop', 'overlay', 'nfs'] })).toThrow(/nfs/);
  });

  it('reads .ko, .ko.xz and .ko.zst as plain ELF bytes for busybox insmod', () => {
    expect(readModule(join(dir, 'kernel/drivers/net/virtio_net.ko.xz')).toString()).toBe('MOD virtio_net\n');
    expect(readModule(join(dir, 'kernel/fs/squashfs/squashfs.ko.zst')).toString()).toBe('MOD squashfs\n');
    expect(readModule(join(dir, 'kernel/fs/overlayfs/overlay.ko')).toString()).toBe('MOD overlay\n');
  });

  it('lists kernels with a modules.dep, newest last by number', () => {
    const root = join(dir, '..');
    makeModulesDir(root, '9.9.10-test');
    expect(kernelVersions(root)).toEqual(['9.9.9-test', '9.9.10-test']);
  });
});
