import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import type { BuildDeps } from '../../../src/images/build.js';
import type { BuildEvent } from '../../../src/images/types.js';
import { ImageService } from '../../../src/inventory/images.js';
import { openDatabase } from '../../../src/store/db.js';

/** Files of the small root that the reduction must leave out by default, tree-relative. */
export const REDUCED = [
  'usr/share/doc/busybox/README',
  'usr/share/doc/busybox/changelog.Debian.gz',
  'usr/share/man/man1/busybox.1.gz',
  'usr/share/info/dir',
  'usr/share/locale/de/LC_MESSAGES/busybox.mo',
  'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease',
  'var/cache/apt/pkgcache.bin',
  'boot/initrd.img-1.2.3',
];

/** Files it must keep. */
export const KEPT = ['etc/passwd', 'bin/busybox', 'usr/share/doc/busybox/copyright', 'usr/share/locale/locale.alias', 'boot/vmlinuz-1.2.3', 'lib/modules/1.2.3/modules.dep', 'var/log/big.log'];

/**
 * A small real root filesystem: busybox-static as init, a fake kernel 1.2.3 with its
 * modules.dep, and one file of each class the reduction leaves out.
 */
export function makeBusyboxRoot(root: string): void {
  const file = (rel: string, body: string | Buffer) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), body);
  };
  file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n');
  file('etc/hostname', 'rackboot-test\n');
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
  symlinkSync('busybox', join(root, 'bin/sh'));
  mkdirSync(join(root, 'sbin'));
  symlinkSync('../bin/busybox', join(root, 'sbin/init'));
  file('boot/vmlinuz-1.2.3', Buffer.alloc(64 * 1024, 0x4b));
  file('boot/initrd.img-1.2.3', Buffer.alloc(32 * 1024, 0x49));
  file('lib/modules/1.2.3/modules.dep', 'kernel/fs/squashfs/squashfs.ko:\n');
  file('usr/share/doc/busybox/copyright', 'GPL-2\n');
  file('usr/share/doc/busybox/README', 'read me\n'.repeat(100));
  file('usr/share/doc/busybox/changelog.Debian.gz', Buffer.alloc(2000, 1));
  file('usr/share/man/man1/busybox.1.gz', Buffer.alloc(3000, 2));
  file('usr/share/info/dir', 'info\n');
  file('usr/share/locale/locale.alias', 'deutsch de_DE.ISO-8859-1\n');
  file('usr/share/locale/de/LC_MESSAGES/busybox.mo', Buffer.alloc(500, 3));
  file('var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease', 'Origin: Debian\n');
  file('var/cache/apt/pkgcache.bin', Buffer.alloc(4000, 4));
  file('var/log/big.log', 'log line\n'.repeat(1000));
}

/** Paths in a squashfs, tree-relative, from the real unsquashfs. */
export function squashfsPaths(file: string): string[] {
  const r = spawnSync('unsquashfs', ['-l', '-d', '', file], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => l.startsWith('/')).map((l) => l.slice(1));
}

/** Every path of a tree with size and mtime: equal before and after means untouched. */
export function snapshot(dir: string): string {
  const r = spawnSync('find', [dir, '-printf', '%P %y %s %T@ %m\n'], { encoding: 'utf8' });
  return r.stdout.split('\n').sort().join('\n');
}

export function setup(imagesDir?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'rb-imgbuild-'));
  const db = openDatabase(join(dir, 'inv.db'));
  const images = new ImageService(db, imagesDir ?? join(dir, 'images'), () => Date.parse('2025-01-02T03:04:05Z'));
  const events: BuildEvent[] = [];
  const deps: BuildDeps = { images, imagesDir: imagesDir ?? join(dir, 'images'), workDir: join(dir, 'tmp'), report: (e) => events.push(e) };
  return { dir, db, images, deps, events };
}

