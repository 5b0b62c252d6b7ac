import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { ConflictError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/log.js';
import { Metrics } from '../../../src/metrics.js';
import { PushManager } from '../../../src/multicast/manager.js';
import { openDatabase } from '../../../src/store/db.js';

const bind = (address: string, port: number): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(port, address, () => resolve(s));
  });

describe('UdpcastSender.start: a push that cannot open', () => {
  it('leaves none of its sockets bound when the last bind fails (the broadcast one, on lo 127.255.255.255)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rackboot-start-'));
    const db = openDatabase(join(dir, 'rackboot.db'));
    const portBase = 42_000 + 2 * Math.floor(Math.random() * 1000);
    const manager = new PushManager({ db, config: parseConfig({ multicast: { interface: 'lo', portBase } }, dir), log: silentLogger(), metrics: new Metrics() });
    const image = join(dir, 'disk.img');
    writeFileSync(image, Buffer.alloc(4096, 1));
    // Another sender on this port base holds the broadcast address: the push binds its two
    // sockets on 127.0.0.1 (SO_REUSEADDR), then fails on the third.
    const blocker = await bind('127.255.255.255', portBase + 1);
    try {
      await expect(manager.start([{ nodeId: null, hostname: null, ip: '127.0.0.9' }], image, { maxBitrate: null })).rejects.toThrow(ConflictError);
      // Nothing of the failed push is left on 127.0.0.1:P+1 (a leftover would take receivers' answers).
      const probe = await bind('127.0.0.1', portBase + 1);
      probe.close();
    } finally {
      blocker.close();
      await manager.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
