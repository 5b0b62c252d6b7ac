import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/config.js';
import { openInventory } from '../../../src/inventory/open.js';
import type { OverlayFile } from '../../../src/node/overlays/render.js';
import { openDatabase } from '../../../src/store/db.js';

export const MACS = { node1: '00:16:3e:00:00:01', node2: '00:16:3e:00:00:02', node3: '00:16:3e:00:00:03', lone: '00:16:3e:00:00:04' } as const;

/**
 * A real SQLite file with cluster krg (session 3, nbmin 2, iface eth1) of three nodes, node3
 * without a fixed address, plus `lone` in no cluster; rackboot at `server` (default 10.0.0.1:8080).
 */
export function overlayFixture(opts: { server?: string; port?: number; ips?: Partial<Record<keyof typeof MACS, string | null>>; config?: Record<string, unknown> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rbt-overlays-'));
  const db = openDatabase(join(dir, 'rackboot.db'));
  const config = parseConfig({ serverAddress: opts.server ?? '10.0.0.1', http: { port: opts.port ?? 8080 }, ...opts.config }, dir);
  const services = openInventory(db, config);
  const { inventory } = services;
  inventory.clusters.add({ name: 'krg', sessionId: 3, nbmin: 2, iface: 'eth1' });
  inventory.profiles.add({ name: 'diskless', labels: [{ name: 'diskless', kernel: 'images/vmlinuz', initrds: ['images/initrd.gz'] }] });
  const ips = { node1: '10.0.1.1', node2: '10.0.1.2', node3: null, lone: '10.0.9.9', ...opts.ips };
  const add = (h: keyof typeof MACS, extra: { cluster?: string; rack?: string }) =>
    inventory.nodes.add({ mac: MACS[h], hostname: h, ip: ips[h], profile: 'diskless', ...extra });
  add('node1', { cluster: 'krg', rack: 'r1' });
  add('node2', { cluster: 'krg', rack: 'r1' });
  add('node3', { cluster: 'krg', rack: 'r2' });
  add('lone', {});
  return {
    ...services,
    db,
    dir,
    config,
    cleanup() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One line per entry: what `cpio -tv` would say, minus owners and dates. */
export const manifest = (files: readonly OverlayFile[]): string =>
  files.map((f) => (f.kind === 'symlink' ? `${f.path} symlink ${f.target}` : `${f.path} ${f.kind} ${f.mode.toString(8).padStart(4, '0')}`)).join('\n') + '\n';
