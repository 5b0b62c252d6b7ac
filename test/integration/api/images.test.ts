import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from './helpers.js';

/** POST /api/v1/images registers only files inside the images folder (the daemon runs as root). */
describe('image registration over the API', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    api = await startApi();
    mkdirSync(join(api.dir, 'images'), { recursive: true });
    writeFileSync(join(api.dir, 'images', 'vmlinuz-test'), 'kernel');
    writeFileSync(join(api.dir, 'secret'), 'not for the API');
    symlinkSync(join(api.dir, 'secret'), join(api.dir, 'images', 'sneaky'));
  });
  afterAll(async () => api?.stop());

  it('accepts a file inside the images folder, with its size and sha256', async () => {
    const r = await api.call('POST', '/api/v1/images', { name: 'k', file: 'vmlinuz-test' });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ name: 'k', kind: 'kernel', size: 6, path: 'vmlinuz-test' });
  });

  it.each([
    ['an absolute path outside', '/etc/passwd'],
    ['a relative path climbing out', '../secret'],
    ['a symlink leading out', 'sneaky'],
  ])('refuses %s with 422 naming the field', async (_what, file) => {
    const r = await api.call('POST', '/api/v1/images', { name: `x${Math.random().toString(36).slice(2, 8)}`, file });
    expect(r.status).toBe(422);
    expect(r.json.error.message).toMatch(/^file: .* is outside the images folder/);
  });
});
