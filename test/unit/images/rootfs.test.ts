import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRootfs, compareVersions, findKernel, resolveInside } from '../../../src/images/rootfs.js';

/** A tree from a spec: "path" → file body, or { link: target }, or null for a folder. */
function tree(spec: Record<string, string | { link: string } | null>): string {
  const root = mkdtempSync(join(tmpdir(), 'rb-rootfs-'));
  for (const [p, v] of Object.entries(spec)) {
    const at = join(root, p);
    mkdirSync(v === null ? at : dirname(at), { recursive: true });
    if (typeof v === 'string') writeFileSync(at, v);
    else if (v) symlinkSync(v.link, at);
  }
  return root;
}

describe('resolveInside and checkRootfs', () => {
  it('follows an absolute /sbin/init inside the tree, through a usrmerge /sbin -> usr/sbin', () => {
    const t = tree({ etc: null, 'usr/lib/systemd/systemd': 'elf', lib: { link: 'usr/lib' }, sbin: { link: 'usr/sbin' }, 'usr/sbin/init': { link: '/lib/systemd/systemd' } });
    expect(resolveInside(t, 'sbin/init')).toBe(join(t, 'usr/lib/systemd/systemd'));
    expect(() => checkRootfs(t)).not.toThrow();
  });

  it('never leaves the tree: ".." and absolute links stop at its root, as in a chroot', () => {
    const t = tree({ etc: null, 'bin/busybox': 'elf', 'sbin/init': { link: '../../../../bin/busybox' }, 'x/passwd': { link: '/../../etc/passwd' } });
    expect(resolveInside(t, 'sbin/init')).toBe(join(t, 'bin/busybox'));
    expect(resolveInside(t, 'x/passwd')).toBeNull(); // the host's /etc/passwd exists, the tree's does not
  });

  it('a link loop resolves to nothing', () => {
    const t = tree({ a: { link: 'b' }, b: { link: 'a' } });
    expect(resolveInside(t, 'a')).toBeNull();
  });

  it('names each missing piece', () => {
    expect(() => checkRootfs(tree({ 'sbin/init': 'x' }))).toThrow(/is not a root filesystem: \/etc is not a folder \(/);
    expect(() => checkRootfs(tree({ etc: null }))).toThrow(/is not a root filesystem: \/sbin\/init is missing \(.*systemd-sysv/);
    expect(() => checkRootfs(tree({ etc: null, 'sbin/init': { link: '/lib/systemd/systemd' } }))).toThrow(/\/sbin\/init -> \/lib\/systemd\/systemd leads nowhere inside the tree/);
    expect(() => checkRootfs(tree({ etc: 'a file', 'sbin/init': { link: '/bin/busybox' } }))).toThrow(/\/etc is not a folder; \/sbin\/init -> \/bin\/busybox leads nowhere/);
    expect(() => checkRootfs(join(tmpdir(), 'rb-does-not-exist'))).toThrow(/is not a folder/);
  });
});

describe('findKernel', () => {
  it('takes the newest vmlinuz-<version> that has its modules.dep, through usrmerge links', () => {
    const t = tree({
      lib: { link: 'usr/lib' },
      'boot/vmlinuz-6.1.0-9-amd64': 'old',
      'usr/lib/modules/6.1.0-9-amd64/modules.dep': '',
      'boot/vmlinuz-6.1.0-18-amd64': 'new',
      'usr/lib/modules/6.1.0-18-amd64/modules.dep': '',
      'boot/vmlinuz-6.5.0-1-amd64': 'no modules',
      'boot/vmlinuz': { link: 'vmlinuz-6.1.0-9-amd64' },
    });
    expect(findKernel(t)).toEqual({ version: '6.1.0-18-amd64', vmlinuz: join(t, 'boot/vmlinuz-6.1.0-18-amd64'), modulesDir: join(t, 'usr/lib/modules/6.1.0-18-amd64') });
  });

  it('null without /boot, or with a kernel whose modules are missing', () => {
    expect(findKernel(tree({ etc: null }))).toBeNull();
    expect(findKernel(tree({ 'boot/vmlinuz-1.2.3': 'k', 'lib/modules/1.2.3/modules.alias': '' }))).toBeNull();
  });

  it('orders versions number by number', () => {
    expect(compareVersions('6.1.0-18-amd64', '6.1.0-9-amd64')).toBe(1);
    expect(compareVersions('5.10.0-28-cloud-amd64', '6.1.0-9-cloud-amd64')).toBe(-1);
    expect(compareVersions('1.2.3', '1.2.3')).toBe(0);
    expect(compareVersions('1.2', '1.2.3')).toBe(-1);
  });
});
