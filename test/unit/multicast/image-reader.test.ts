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
    const s0 = await r.load(0, 0, 2000);
    expect(s0.equals(want(0, 2000))).toBe(true);
    const s1 = await r.load(1, 2000, 2500); // 1.25× the last one: served by the read-ahead
    expect(s1.equals(want(2000, 2500))).toBe(true);
    const s2 = await r.load(2, 4500, 3000); // larger than the read-ahead: read again
    expect(s2.equals(want(4500, 3000))).toBe(true);
    r.release(0);
    const s3 = await r.load(3, 1234, 777); // not where the read-ahead was; reuses slice 0's buffer
    expect(s3.equals(want(1234, 777))).toBe(true);
    const s4 = await r.load(4, 8000, 2000); // up to the end
    expect(s4.equals(want(8000, 2000))).toBe(true);
    // slices still in use were not overwritten by later loads or read-aheads
    expect(s1.equals(want(2000, 2500))).toBe(true);
    expect(s2.equals(want(4500, 3000))).toBe(true);
    expect(s3.equals(want(1234, 777))).toBe(true);
    await r.close();
  });

  it('reads the first slice when it opens (before the push starts)', async () => {
    const copy = join(dir, 'first.bin');
    writeFileSync(copy, image);
    const r = await ImageReader.open(copy, 3000, 2000);
    writeFileSync(copy, Buffer.alloc(image.length)); // what load() would read from disk now
    expect((await r.load(0, 0, 2000)).equals(image.subarray(0, 2000))).toBe(true);
    expect((await r.load(1, 2000, 1000)).equals(Buffer.alloc(1000))).toBe(true); // read after the change
    await r.close();
  });

  it('a slice longer than the rest of the image is an error naming the slice', async () => {
    const r = await ImageReader.open(path, 3000);
    await r.load(0, 6000, 3000);
    await expect(r.load(1, 9000, 3000)).rejects.toThrow(/image shrank while being sent \(slice 1 at offset 10000\)/);
    await r.close();
  });
});
