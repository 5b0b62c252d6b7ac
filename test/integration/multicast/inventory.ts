import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { openInventory } from '../../../src/inventory/open.js';
import { openDatabase } from '../../../src/store/db.js';
import { NetLab, requireTools } from './netlab.js';

/** A real SQLite inventory in the lab folder: nodes n1… at hosts 1…count in rack `rack`. */
export function labInventory(lab: NetLab, hosts: number[], rack: string): { file: string; db: Database } {
  const file = join(lab.dir, 'rackboot.db');
  const db = openDatabase(file);
  const { inventory } = openInventory(db, parseConfig({}, lab.dir));
  for (const i of hosts) {
    inventory.nodes.add({ mac: `52:54:00:78:00:${i.toString(16).padStart(2, '0')}`, hostname: `n${i}`, ip: lab.ip(i), rack });
  }
  return { file, db };
}

export function nodeStages(db: Database): Record<string, string | null> {
  const rows = db.prepare('SELECT hostname, last_stage FROM nodes ORDER BY hostname').all() as { hostname: string; last_stage: string | null }[];
  return Object.fromEntries(rows.map((r) => [r.hostname, r.last_stage]));
}

/** What a describe block's lab holds once its beforeAll ran. */
export interface PushLab {
  lab: NetLab;
  db: Database;
  dbFile: string;
}

/**
 * A describe block's lab: the tools checked, a NetLab (`tag`, `subnet`, `hosts` namespaces)
 * and nodes n<i> for the `targets` hosts in `rack`, built before the block's tests and
 * removed after them. Further beforeAll hooks in the block run after this one.
 */
export function pushLabSuite(o: { tools: string[]; tag: string; subnet: number; hosts: number; targets: number[]; rack: string }): PushLab {
  const env = {} as PushLab;
  beforeAll(() => {
    requireTools(...o.tools);
    env.lab = new NetLab(o.tag, o.subnet, o.hosts);
    const inv = labInventory(env.lab, o.targets, o.rack);
    env.db = inv.db;
    env.dbFile = inv.file;
  });
  afterAll(() => {
    env.db?.close();
    env.lab?.cleanup();
  });
  return env;
}
