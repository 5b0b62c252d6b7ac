import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { Metrics } from '../../src/metrics.js';
import { PushManager } from '../../src/multicast/manager.js';
import { openDatabase } from '../../src/store/db.js';

/**
 * A PushManager on `lo` with a real SQLite file, a random even port base from `portFrom`,
 * and a 4 KiB image; `done()` closes and removes it all.
 */
export function loopbackPushManager(portFrom: number): { manager: PushManager; image: string; portBase: number; done: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'rackboot-push-'));
  const db = openDatabase(join(dir, 'rackboot.db'));
  const portBase = portFrom + 2 * Math.floor(Math.random() * 1000);
  const manager = new PushManager({ db, config: parseConfig({ multicast: { interface: 'lo', portBase } }, dir), log: silentLogger(), metrics: new Metrics() });
  const image = join(dir, 'disk.img');
  writeFileSync(image, Buffer.alloc(4096, 1));
  const done = async () => {
    await manager.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { manager, image, portBase, done };
}
