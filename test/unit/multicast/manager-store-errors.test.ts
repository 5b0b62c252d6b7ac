import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { Metrics } from '../../../src/metrics.js';
import { PushManager } from '../../../src/multicast/manager.js';
import { openDatabase } from '../../../src/store/db.js';
import { decode, encode } from '../../../src/wire/udpcast/index.js';

/**
 * The real PushManager on lo with a real SQLite file that refuses writes (PRAGMA
 * query_only, SQLITE_READONLY — as a full disk or SQLITE_BUSY would): push bookkeeping
 * fails, is logged and counted, and neither the socket handler nor the end of the push
 * throws (an uncaught exception or unhandled rejection would take the daemon down).
 */
describe('PushManager survives SQLite errors in push bookkeeping', () => {
  let dir: string;
  let db: Database;
  let manager: PushManager;
  let stranger: Socket | null = null;
  const metrics = new Metrics();
  const logs: Array<{ level: number; msg: string; op?: string }> = [];
  const portBase = 42_000 + 2 * Math.floor(Math.random() * 4000);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rackboot-mstore-'));
    db = openDatabase(join(dir, 'rackboot.db'));
    const config = parseConfig({ multicast: { interface: 'lo', portBase } }, dir);
    const log = pino({ level: 'warn' }, { write: (s: string) => void logs.push(JSON.parse(s)) });
    manager = new PushManager({ db, config, log, metrics });
  });
  afterEach(async () => {
    db.pragma('query_only = OFF');
    await manager.close();
    stranger?.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a stranger's CONNECT_REQ, the progress flush and the end of the push hit a read-only database", async () => {
    const image = join(dir, 'disk.img');
    writeFileSync(image, Buffer.alloc(64 * 1024, 0x5a));
    const id = await manager.start([{ nodeId: null, hostname: null, ip: '127.0.0.2' }], image, { startTimeout: 2.5, maxBitrate: null });
    db.pragma('query_only = ON');

    // A stranger (127.0.0.1 is not a target) asks to join: the 'refused' row cannot be written.
    stranger = createSocket({ type: 'udp4', reuseAddr: true });
    const s = stranger;
    await new Promise<void>((r) => s.bind(portBase, '127.0.0.1', () => r()));
    const reply = new Promise<number>((r) =>
      s.on('message', (buf) => {
        const m = decode(buf);
        if (m.op === 'connect-reply') r(m.client);
      }),
    );
    s.send(encode({ op: 'connect-req', capabilities: 9, rcvbuf: 212992 }), portBase + 1, '127.0.0.1');
    expect(await reply).toBe(-1);

    // The start timeout ends the push; finished() cannot record it, yet wait() resolves.
    const final = await manager.wait(id);
    expect(final.running).toBe(false);
    expect(manager.list().find((p) => p.id === id)).toBeDefined();

    const counted = await metrics.registry.getSingleMetric('rackboot_push_store_errors_total')!.get();
    const byOp = Object.fromEntries(counted.values.map((v) => [v.labels.op, v.value]));
    expect(byOp.refused).toBe(1);
    expect(byOp.flush).toBeGreaterThanOrEqual(1); // the 1 s progress flush ran during the wait
    expect(byOp.finish).toBe(1);
    const errors = logs.filter((l) => l.level >= 50);
    expect(errors.map((l) => l.op)).toEqual(expect.arrayContaining(['refused', 'flush', 'finish']));
    expect(errors.every((l) => /readonly|read-only/i.test(l.msg))).toBe(true);
  });
});
