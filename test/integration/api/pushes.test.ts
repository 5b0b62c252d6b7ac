import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import { Metrics } from '../../../src/metrics.js';
import { PushManager } from '../../../src/multicast/manager.js';
import { listAudit } from '../../../src/store/audit.js';
import { startApi } from './helpers.js';

/** The real PushManager on loopback: a push waits for receivers that never come, and is cancelled. */
describe('push routes over the multicast PushManager (real sockets on lo)', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  let manager: PushManager | undefined;
  let image: string;
  // An even port base away from udpcast's 9000 so parallel tests do not collide.
  const portBase = 40_000 + 2 * Math.floor(Math.random() * 5000);

  beforeAll(async () => {
    api = await startApi({
      config: { multicast: { interface: 'lo', portBase } },
      pushes: (db, config) => (manager = new PushManager({ db, config, log: silentLogger(), metrics: new Metrics() })),
    });
    const file = join(api.dir, 'disk.img');
    writeFileSync(file, Buffer.alloc(256 * 1024, 0x5a));
    image = (await api.inventory.images.add('disk', file)).name;
    api.inventory.nodes.add({ mac: '52:54:00:00:00:01', hostname: 'r1', ip: '127.0.0.2', rack: 'a' });
    api.inventory.nodes.add({ mac: '52:54:00:00:00:02', hostname: 'r2', ip: '127.0.0.3', rack: 'a' });
  });
  afterAll(async () => {
    await manager?.close();
    await api?.stop();
  });

  it('starts a push (201), shows its receivers while waiting, and cancels it', async () => {
    const bad = await api.call('POST', '/api/v1/pushes', { target: 'rack:a' });
    expect(bad.status).toBe(422);
    expect(bad.json.error.message).toMatch(/^image: is required/);
    expect((await api.call('POST', '/api/v1/pushes', { target: 'rack:a', image }, api.viewer)).status).toBe(403);
    // Over HTTP only registered images: a path would let a token multicast any file of the (root) daemon.
    const byPath = await api.call('POST', '/api/v1/pushes', { target: 'rack:a', image: '/etc/passwd' });
    expect(byPath.status).toBe(404);
    expect(byPath.json.error.message).toMatch(/no image "\/etc\/passwd"/);

    const started = await api.call('POST', '/api/v1/pushes', { target: 'rack:a', image, duplex: 'half' });
    expect(started.status).toBe(201);
    expect(started.json).toMatchObject({ state: 'waiting', size: 256 * 1024, startedBy: 'api:admin', duplex: 'half' });
    const id = started.json.id as number;
    expect(started.headers.get('location')).toBe(`/api/v1/pushes/${id}`);

    const list = await api.call('GET', '/api/v1/pushes');
    expect(list.json[0]).toMatchObject({ id, state: 'waiting' });
    expect(list.json[0].receivers.map((r: { hostname: string }) => r.hostname).sort()).toEqual(['r1', 'r2']);

    expect((await api.call('GET', '/api/v1/pushes/abc')).status).toBe(422);
    expect((await api.call('GET', '/api/v1/pushes/99999')).status).toBe(404);

    const cancelled = await api.call('POST', `/api/v1/pushes/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({ id, state: 'cancelled', result: 'cancelled by api:admin' });
    expect(listAudit(api.db).find((a) => a.path === `/api/v1/pushes/${id}/cancel`)).toMatchObject({ tokenName: 'admin', status: 200 });
  });
});
