import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetLab, exitsWith, requireTools, sha256 } from './netlab.js';
import { labInventory } from './inventory.js';

/** 1% of the datagrams each receiver gets are dropped by nftables (numgen random). */
describe('push with 1% packet loss (nftables)', () => {
  let lab: NetLab;
  let db: Database;
  let dbFile: string;

  beforeAll(() => {
    requireTools('ip', 'udp-receiver', 'nft');
    lab = new NetLab('b', 2, 4);
    ({ db, file: dbFile } = labInventory(lab, [1, 2, 3], 'loss'));
    for (const i of [1, 2, 3]) lab.loss(i, 1);
  });
  afterAll(() => {
    db?.close();
    lab?.cleanup();
  });

  it('completes to three stock receivers with every sha256 matching, repairing loss by RETRANSMIT', async () => {
    const image = lab.file('image.bin', 24 * 1024 * 1024);
    const digest = sha256(image);
    const outs = [1, 2, 3].map((i) => join(lab.dir, `out${i}.bin`));
    const receivers = [1, 2, 3].map((i) => lab.udpReceiver(i, outs[i - 1]!));
    const push = lab.rackboot(0, ['--db', dbFile, 'push', image, '--to', 'rack:loss', '--interface', lab.iface(0), '--json']);
    await exitsWith(push, 0);
    for (const r of receivers) await exitsWith(r, 0);
    for (const o of outs) expect(sha256(o)).toBe(digest);
    for (const i of [1, 2, 3]) expect(lab.dropped(i)).toBeGreaterThan(50); // ~1% of ≈17 000 datagrams
    const result = JSON.parse(push.output().slice(push.output().indexOf('{')));
    expect(result.receivers.map((r: { state: string }) => r.state)).toEqual(['done', 'done', 'done']);
    expect(result.bytesSent).toBeGreaterThan(24 * 1024 * 1024); // retransmissions
  });

  it('rackboot → rackboot receive completes under the same loss', async () => {
    const image = lab.file('image2.bin', 8 * 1024 * 1024 + 3);
    const digest = sha256(image);
    const outs = [1, 2, 3].map((i) => join(lab.dir, `rb${i}.bin`));
    const receivers = [1, 2, 3].map((i) => lab.rackboot(i, ['receive', '--out', outs[i - 1]!, '--sha256', digest, '--interface', lab.iface(i), '--timeout', '30']));
    const push = lab.rackboot(0, ['--db', dbFile, 'push', image, '--to', 'rack:loss', '--interface', lab.iface(0)]);
    await exitsWith(push, 0);
    for (const r of receivers) await exitsWith(r, 0);
    for (const o of outs) expect(sha256(o)).toBe(digest);
  });
});
