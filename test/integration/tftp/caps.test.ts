import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../../src/metrics.js';
import { tftpConfigSchema } from '../../../src/tftp/config.js';
import { startTftpServer, type TftpServer } from '../../../src/tftp/server.js';
import { fakeBackend } from './fake-backend.js';
import { RawClient, captureLogger } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'rbtt-caps-'));
const metrics = new Metrics();
const log = captureLogger();
const backend = fakeBackend({});
let server: TftpServer;

beforeAll(async () => {
  writeFileSync(join(root, 'f'), Buffer.alloc(5000, 1));
  mkdirSync(join(root, 'images'));
  writeFileSync(join(root, 'images', 'initrd.img'), Buffer.alloc(1300, 2)); // blocks of 512, 512, 276
  server = await startTftpServer({
    config: tftpConfigSchema.parse({
      address: '127.0.0.1',
      port: 0,
      maxTransfers: 3,
      maxTransfersPerClient: 2,
      minTimeoutMs: 50,
      initialTimeoutMs: 400,
      maxTimeoutMs: 400,
      retries: 2,
    }),
    mounts: [{ prefix: '', dir: root }],
    backend,
    logger: log.logger,
    metrics,
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Poll until `cond` holds (up to 3 s): the end of a transfer is reported asynchronously. */
async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

const rrq = { op: 'rrq' as const, filename: 'f', mode: 'octet', options: [] };

describe('caps on concurrent transfers', () => {
  it('per client: the third transfer from one address is dropped, a retry after one ends gets in', async () => {
    const c = await Promise.all([RawClient.open(), RawClient.open(), RawClient.open()]);
    c[0]!.send(rrq, server.port);
    c[1]!.send(rrq, server.port);
    const first = await c[0]!.next();
    expect(first?.packet).toMatchObject({ op: 'data', block: 1 });
    expect((await c[1]!.next())?.packet).toMatchObject({ op: 'data', block: 1 });
    expect(server.active).toBe(2);
    c[2]!.send(rrq, server.port);
    expect(await c[2]!.next(300)).toBeUndefined(); // dropped: the client's own retry may get in later
    const refused = (await metrics.tftpTransfers.get()).values.find((v) => v.labels.outcome === 'refused')?.value;
    expect(refused).toBe(1);
    c[0]!.send({ op: 'error', code: 0, message: 'bye' }, first!.port);
    await waitFor(() => server.active === 1);
    expect(server.active).toBe(1);
    c[2]!.send(rrq, server.port);
    expect((await c[2]!.next())?.packet).toMatchObject({ op: 'data', block: 1 });
    c.forEach((x) => x.close());
  });

  it('a retransmitted RRQ does not start a second transfer; a dead client is cleaned up after the retries', async () => {
    await waitFor(() => server.active === 0); // transfers left open above time out (400 ms × 3)
    expect(server.active).toBe(0);
    const c = await RawClient.open();
    c.send(rrq, server.port);
    c.send(rrq, server.port);
    expect((await c.next())?.packet).toMatchObject({ op: 'data', block: 1 });
    expect(server.active).toBe(1);
    // No ACK: DATA 1 is resent twice (retries: 2), then the transfer is abandoned.
    const resends = [await c.next(1000), await c.next(1000)]; // at 400 and 800 ms
    expect(resends.map((r) => r?.packet)).toMatchObject([{ op: 'data', block: 1 }, { op: 'data', block: 1 }]);
    await waitFor(() => server.active === 0); // the third timeout, at 1200 ms, ends it
    expect(server.active).toBe(0);
    expect(await c.next(200)).toBeUndefined();
    const timeouts = (await metrics.tftpTransfers.get()).values.find((v) => v.labels.outcome === 'timeout')?.value;
    expect(timeouts).toBeGreaterThanOrEqual(1);
    c.close();
  });

  it('a client that never sends its final ACK (pxelinux starting the kernel) still has the initrd stage recorded', async () => {
    await waitFor(() => server.active === 0);
    backend.stages.length = 0;
    const c = await RawClient.open();
    c.send({ ...rrq, filename: 'images/initrd.img' }, server.port);
    let lastSentAt = 0;
    for (let block = 1; block <= 3; block++) {
      const got = await c.next();
      expect(got?.packet).toMatchObject({ op: 'data', block });
      if (block < 3) c.send({ op: 'ack', block }, got!.port); // the last one is never ACKed
      else lastSentAt = Date.now();
    }
    await waitFor(() => backend.stages.length > 0); // after 3 timeouts without that ACK (50, 100, 200 ms on loopback)
    const recordedAt = Date.now();
    c.close();
    expect(backend.stages).toMatchObject([{ node: 'node1', stage: 'initrd', detail: 'images/initrd.img' }]);
    // Backdated to when the last block went out, not when the transfer gave up on its ACK.
    expect(recordedAt - lastSentAt).toBeGreaterThanOrEqual(300);
    expect(Math.abs(backend.stages[0]!.at! - lastSentAt)).toBeLessThan(100);
    expect(log.lines().find((l) => l.msg === 'sent, final ACK missing')).toMatchObject({ path: 'images/initrd.img', bytes: 1024 });
    const unconfirmed = (await metrics.tftpTransfers.get()).values.find((v) => v.labels.outcome === 'unconfirmed')?.value;
    expect(unconfirmed).toBe(1);
  });
});
