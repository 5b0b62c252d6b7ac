import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBootFile, safeSegments, type Mount } from '../../../src/api/boot-files.js';

describe('boot file resolver', () => {
  let root: string;
  let mounts: Mount[];
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'rbta-files-'));
    mkdirSync(join(root, 'boot'));
    mkdirSync(join(root, 'images'));
    writeFileSync(join(root, 'boot', 'pxelinux.0'), 'loader');
    writeFileSync(join(root, 'images', 'vmlinuz'), 'kernel');
    writeFileSync(join(root, 'secret'), 'outside');
    symlinkSync(join(root, 'secret'), join(root, 'boot', 'escape'));
    symlinkSync(join(root, 'images', 'vmlinuz'), join(root, 'boot', 'inside-link'));
    mounts = [
      { prefix: 'images', dir: join(root, 'images') },
      { prefix: '', dir: join(root, 'boot') },
    ];
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('splits paths and refuses .., NUL and control characters', () => {
    expect(safeSegments('images\\vmlinuz')).toEqual(['images', 'vmlinuz']);
    expect(safeSegments('/./a//b/')).toEqual(['a', 'b']);
    expect(safeSegments('a/../b')).toBeUndefined();
    expect(safeSegments('a\0b')).toBeUndefined();
    expect(safeSegments('a\nb')).toBeUndefined();
  });

  it('finds files in the mount whose prefix matches', () => {
    expect(resolveBootFile(mounts, 'pxelinux.0')).toBe(join(root, 'boot', 'pxelinux.0'));
    expect(resolveBootFile(mounts, 'images/vmlinuz')).toBe(join(root, 'images', 'vmlinuz'));
    expect(resolveBootFile(mounts, 'images')).toBeUndefined();
    expect(resolveBootFile(mounts, 'missing')).toBeUndefined();
    expect(resolveBootFile(mounts, '../secret')).toBeUndefined();
  });

  it('refuses a symlink that leaves its mount', () => {
    expect(resolveBootFile(mounts, 'escape')).toBeUndefined();
    expect(resolveBootFile(mounts, 'inside-link')).toBeUndefined(); // points into another mount
  });
});
