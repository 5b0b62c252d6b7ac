import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NodeIndex } from '../../../src/inventory/node-index.js';
import { Inventory } from '../../../src/inventory/inventory.js';
import { Renderer } from '../../../src/boot/renderer.js';
import { EventRepo } from '../../../src/store/events.js';
import { openDatabase } from '../../../src/store/db.js';
import { templatesDir } from '../../../src/paths.js';

/** The daemon's connection (the index) and a second one standing for the CLI, on one file. */
function setup() {
  const file = join(mkdtempSync(join(tmpdir(), 'rackboot-index-')), 'inv.db');
  const daemonDb = openDatabase(file);
  const cliDb = openDatabase(file);
  const renderer = new Renderer({ templateDirs: [templatesDir()], httpBase: 'http://10.0.0.1/boot/files' });
  const cli = new Inventory(cliDb, renderer, { imagesDir: '/nonexistent', clock: () => 0 });
  let t = 0;
  const index = new NodeIndex(daemonDb, 1, () => t);
  const version = (): number => daemonDb.prepare('SELECT v FROM inventory_version').pluck().get() as number;
  return { index, cli, cliDb, daemonDb, renderer, version, advance: (ms: number) => (t += ms) };
}

describe('NodeIndex', () => {
  it('sees nodes added, changed and removed by another connection once the recheck interval has passed', () => {
    const s = setup();
    expect(s.index.byMac('00:02:b3:3f:78:8c')).toBeUndefined();
    s.cli.nodes.add({ mac: '00:02:b3:3f:78:8c', hostname: 'node31', ip: '10.0.1.31' });
    expect(s.index.byMac('00:02:b3:3f:78:8c')).toBeUndefined(); // same millisecond: not re-read yet
    s.advance(1);
    expect(s.index.byMac('00:02:b3:3f:78:8c')?.hostname).toBe('node31');
    expect(s.index.byIp('10.0.1.31')?.hostname).toBe('node31');

    s.cli.nodes.update('node31', { ip: '10.0.1.32' });
    s.advance(1);
    expect(s.index.byIp('10.0.1.31')).toBeUndefined();
    expect(s.index.byIp('10.0.1.32')?.mac).toBe('00:02:b3:3f:78:8c');

    s.cli.nodes.remove('node31');
    s.advance(1);
    expect(s.index.byMac('00:02:b3:3f:78:8c')).toBeUndefined();
    expect(s.index.byIp('10.0.1.32')).toBeUndefined();
  });

  it('the version moves for cluster and profile renames but not for a recorded boot stage', () => {
    const s = setup();
    s.cli.clusters.add({ name: 'krg' });
    s.cli.nodes.add({ mac: '00:02:b3:3f:78:8c', hostname: 'node31', cluster: 'krg' });
    const v0 = s.version();
    new EventRepo(s.cliDb).record(s.cli.nodes.get('node31').id, 'kernel', '2026-11-22T10:00:00Z', null);
    expect(s.version()).toBe(v0);
    s.cli.clusters.update('krg', { name: 'krg2' });
    expect(s.version()).toBe(v0 + 1);
    s.advance(1);
    expect(s.index.byMac('00:02:b3:3f:78:8c')?.cluster).toBe('krg2');
    s.cliDb.prepare("INSERT INTO profiles (name) VALUES ('p1')").run();
    s.cliDb.prepare("UPDATE profiles SET name = 'p2' WHERE name = 'p1'").run();
    expect(s.version()).toBe(v0 + 2);
  });
});

describe('NodeIndex edge cases', () => {
  it('a change made through this process’s own connection is seen at once, without waiting for the recheck interval', () => {
    const s = setup();
    const own = new Inventory(s.daemonDb, s.renderer, { imagesDir: '/nonexistent', clock: () => 0 });
    expect(s.index.byMac('00:02:b3:3f:78:90')).toBeUndefined();
    own.nodes.add({ mac: '00:02:b3:3f:78:90', hostname: 'api-made' });
    expect(s.index.byMac('00:02:b3:3f:78:90')?.hostname).toBe('api-made'); // no advance()
  });

  it('one unreadable row is left out (with a warning) and every other node still resolves', async () => {
    const s = setup();
    s.cli.nodes.add({ mac: '00:02:b3:3f:78:01', hostname: 'good', ip: '10.0.1.1' });
    s.cli.nodes.add({ mac: '00:02:b3:3f:78:02', hostname: 'bad' });
    s.cliDb.prepare("UPDATE nodes SET dhcp_options = '{not json' WHERE hostname = 'bad'").run();
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      s.advance(1);
      expect(s.index.byIp('10.0.1.1')?.hostname).toBe('good');
      expect(s.index.byMac('00:02:b3:3f:78:02')).toBeUndefined();
      expect([...s.index.unreadable.keys()]).toEqual(['00:02:b3:3f:78:02']);
    } finally {
      await new Promise((r) => setImmediate(r));
      process.off('warning', onWarning);
    }
    expect(warnings.some((w) => w.includes('00:02:b3:3f:78:02'))).toBe(true);
  });
});
