import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage } from '../../../src/images/build.js';
import { DEFAULT_REDUCE } from '../../../src/images/reduce.js';
import type { BuildOptions } from '../../../src/images/types.js';
import { setup } from './fixture.js';

/** A root small enough for a 1 MiB images folder; `big` adds 3 MB that do not compress. */
function tinyRoot(dir: string, big: boolean): string {
  mkdirSync(join(dir, 'etc'), { recursive: true });
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'sbin'));
  writeFileSync(join(dir, 'bin/init'), '#!/bin/sh\nexec sh\n', { mode: 0o755 });
  symlinkSync('/bin/init', join(dir, 'sbin/init'));
  if (big) writeFileSync(join(dir, 'var.bin'), randomBytes(3 << 20));
  return dir;
}

const opts = (dir: string): BuildOptions => ({ name: 'tiny', source: { kind: 'dir', dir }, reduce: DEFAULT_REDUCE, compression: 'zstd', xattrs: true });

// Needs root to mount a tmpfs (CI runs as root).
describe.skipIf(process.getuid?.() !== 0)('image build on a full disk', () => {
  let mnt: string;
  beforeAll(() => {
    mnt = mkdtempSync(join(tmpdir(), 'rb-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
  });
  afterAll(() => {
    execFileSync('umount', [mnt]);
  });

  it('says the images folder is full, leaves no partial file, and the catalogue still points at the previous build', async () => {
    const s = setup(mnt);
    const small = await buildImage(opts(tinyRoot(mkdtempSync(join(tmpdir(), 'rb-tiny-')), false)), s.deps);
    const before = s.images.list();
    const files = readdirSync(join(mnt, 'tiny'));

    const big = tinyRoot(mkdtempSync(join(tmpdir(), 'rb-big-')), true);
    await expect(buildImage(opts(big), s.deps)).rejects.toThrow(/no space left on device writing .*the image does not fit in the images folder\. Free space there.*Nothing was registered/);

    expect(s.images.list()).toEqual(before);
    expect(readdirSync(join(mnt, 'tiny'))).toEqual(files); // no .tmp, no new root-*.squashfs
    expect(existsSync(join(mnt, small.image.path))).toBe(true);
    expect(readdirSync(s.deps.workDir)).toEqual([]);
  });
});
