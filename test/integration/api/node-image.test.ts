import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFrom, startApi } from './helpers.js';

/** key=value lines of a plan, as the node initrd reads them. */
const parsePlan = (text: string): Record<string, string> =>
  Object.fromEntries(text.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

describe('GET /node/image: how a node gets its image (real HTTP, real inventory)', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  const bytes = randomBytes(300_001);
  const sha = createHash('sha256').update(bytes).digest('hex');

  beforeAll(async () => {
    api = await startApi();
    const dir = join(api.dir, 'images', 'deb12');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'root-0123.squashfs'), bytes);
    await api.inventory.images.add('deb12', 'deb12/root-0123.squashfs', 'disk');
    api.inventory.nodes.add({ mac: '52:54:00:00:00:01', hostname: 'n1', ip: '127.0.0.2' });
  });
  afterAll(() => api.stop());

  it('answers a registered node with an HTTP plan whose URL serves exactly the registered bytes', async () => {
    const r = await requestFrom(`${api.base}/node/image?name=deb12`, '127.0.0.2');
    expect(r.status).toBe(200);
    const plan = parsePlan(r.body);
    expect(plan).toMatchObject({ method: 'http', sha256: sha, size: String(bytes.length), reason: 'multicast is off' });
    expect(plan.url).toBe('http://127.0.0.1:8080/boot/files/images/deb12/root-0123.squashfs');
    const served = await fetch(plan.url!.replace('http://127.0.0.1:8080', api.base));
    expect(createHash('sha256').update(Buffer.from(await served.arrayBuffer())).digest('hex')).toBe(sha);
  });

  it('refuses a name that is not an image, or not a name, saying what to give', async () => {
    const missing = await requestFrom(`${api.base}/node/image?name=nope`, '127.0.0.2');
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('no image \\"nope\\"');
    const bad = await requestFrom(`${api.base}/node/image?name=..%2Fetc`, '127.0.0.2');
    expect(bad.status).toBe(422);
    expect(bad.body).toContain('?name=NAME');
  });
});
