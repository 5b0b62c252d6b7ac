import { Renderer } from '../../../src/boot/renderer.js';
import { createBootBackend, type BootPolicy } from '../../../src/inventory/boot-backend.js';
import { Inventory } from '../../../src/inventory/inventory.js';
import { templatesDir } from '../../../src/paths.js';
import { openDatabase } from '../../../src/store/db.js';

/** A real in-memory inventory (all migrations applied) with the built-in templates. */
export function testInventory(opts: { policy?: BootPolicy; templateDirs?: string[]; clock?: () => number } = {}) {
  const db = openDatabase(':memory:');
  const renderer = new Renderer({ templateDirs: opts.templateDirs ?? [templatesDir()], httpBase: 'http://10.0.0.1:8080/boot/files' });
  const clock = opts.clock ?? (() => Date.parse('2026-11-22T10:00:00Z'));
  const inventory = new Inventory(db, renderer, { imagesDir: '/nonexistent', clock });
  const backend = createBootBackend(db, renderer, opts.policy ?? { unknown: 'localboot', defaultProfile: null }, clock);
  return { db, renderer, inventory, backend };
}

/** The Kerrighed diskless profile of the example, plus an NFS-root entry and local boot. */
export function seedKerrighed(inv: Inventory): void {
  inv.clusters.add({ name: 'krg', sessionId: 1, nbmin: 2 });
  inv.profiles.add({
    name: '2.6.20-krg',
    labels: [{ name: '2.6.20-krg', menuLabel: '2.6.20-krg diskless', kernel: 'images/vmlinuz-2.6.20-krg', initrds: ['images/kerrighed-2.6.20-krg.rdz'], args: 'ramdisk_size=256000' }],
  });
  inv.profiles.add({
    name: 'krg-menu',
    display: 'boot.msg',
    f1: 'help.txt',
    timeout: 50,
    defaultLabel: 'nfs',
    labels: [
      { name: 'diskless', menuLabel: 'Kerrighed diskless', kernel: 'images/vmlinuz-2.6.20-krg', initrds: ['images/kerrighed-2.6.20-krg.rdz', 'images/extra.cpio'], args: 'ramdisk_size=256000' },
      { name: 'nfs', menuLabel: 'Kerrighed NFS root', kernel: 'images/vmlinuz-2.6.20-krg', args: 'root=/dev/nfs nfsroot=10.0.0.1:/srv/krg ip=dhcp' },
      { name: 'local', menuLabel: 'Boot from disk', localboot: 0 },
    ],
  });
}
