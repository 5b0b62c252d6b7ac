import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/log.js';
import { Metrics } from '../../../src/metrics.js';
import { PushManager } from '../../../src/multicast/manager.js';
import { openDatabase } from '../../../src/store/db.js';
import { decode, encode, type ReceiverMessage } from '../../../src/wire/udpcast/index.js';

/** The real PushManager on lo, a receiver socket that joins, DISCONNECTs while the push waits, and joins again. */
describe('PushManager: a receiver that rejoins while the push waits', () => {
  let dir: string;
  let db: Database;
  let manager: PushManager;
  let rx: Socket;
  const metrics = new Metrics();
  const portBase = 38_000 + 2 * Math.floor(Math.random() * 1000);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rackboot-mrejoin-'));
    db = openDatabase(join(dir, 'rackboot.db'));
    manager = new PushManager({ db, config: parseConfig({ multicast: { interface: 'lo', portBase } }, dir), log: silentLogger(), metrics });
  });
  afterEach(async () => {
    await manager.close();
    rx?.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is recorded as joined again with its number, and leaves the dropped gauge', async () => {
    const image = join(dir, 'disk.img');
    writeFileSync(image, Buffer.alloc(16 * 1024, 1));
    // 127.0.0.1 and a target that never comes: the push keeps waiting.
    const id = await manager.start([{ nodeId: null, hostname: null, ip: '127.0.0.1' }, { nodeId: null, hostname: null, ip: '127.0.0.9' }], image, { maxBitrate: null });
    rx = createSocket({ type: 'udp4', reuseAddr: true });
    await new Promise<void>((r) => rx.bind(portBase, '127.0.0.1', () => r()));
    const replies: number[] = [];
    rx.on('message', (buf) => {
      const m = decode(buf);
      if (m.op === 'connect-reply') replies.push(m.client);
    });
    const send = (m: ReceiverMessage) => rx.send(encode(m), portBase + 1, '127.0.0.1');
    const gauge = async (state: string) => (await metrics.pushReceivers.get()).values.find((v) => v.labels.state === state)?.value ?? 0;
    const until = async (ok: () => boolean | Promise<boolean>) => {
      for (let i = 0; i < 200 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 10));
    };
    const row = () => manager.progress(id).receivers.find((r) => r.ip === '127.0.0.1')!;

    send({ op: 'connect-req', capabilities: 9, rcvbuf: 212992 });
    await until(() => replies.length === 1);
    send({ op: 'disconnect' });
    await until(() => row().state === 'dropped');
    expect(row()).toMatchObject({ state: 'dropped', detail: 'disconnected before the end' });
    expect(await gauge('dropped')).toBe(1);
    send({ op: 'connect-req', capabilities: 9, rcvbuf: 212992 });
    await until(() => replies.length === 2);
    await until(() => row().state === 'joined');
    expect(replies).toEqual([0, 0]);
    expect(row()).toMatchObject({ state: 'joined', client: 0, finishedAt: null, detail: null });
    expect([await gauge('joined'), await gauge('dropped')]).toEqual([1, 0]);
  });
});
