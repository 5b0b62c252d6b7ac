import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageReader } from '../../../src/multicast/image-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ImageReader', () => {
  const image = Buffer.alloc(10_000);
  for (let i = 0; i < image.length; i++) image[i] = (i * 13 + (i >> 8)) & 0xff;
  const path = join(dir, 'image.bin');
  writeFileSync(path, image);

  it('returns the bytes asked for, in order (served by the read-ahead) and out of order (read again)', async () => {
    const r = await ImageReader.open(path, 3000);
    const want = (off: number, n: number) => image.subarray(off, off + n);
    expect((await r.load(0, 0, 3000)).equals(want(0, 3000))).toBe(true);
    expect((await r.load(1, 3000, 2000)).equals(want(3000, 2000))).toBe(true); // shorter than read ahead
    expect((await r.load(2, 5000, 3000)).equals(want(5000, 3000))).toBe(true);
    r.release(0);
    expect((await r.load(3, 1234, 777)).equals(want(1234, 777))).toBe(true); // not where the read-ahead was
    expect((await r.load(4, 8000, 2000)).equals(want(8000, 2000))).toBe(true); // up to the end
    await r.close();
  });

  it('a slice longer than the rest of the image is an error naming the slice', async () => {
    const r = await ImageReader.open(path, 3000);
    await r.load(0, 6000, 3000);
    await expect(r.load(1, 9000, 3000)).rejects.toThrow(/image shrank while being sent \(slice 1 at offset 10000\)/);
    await r.close();
  });
});
