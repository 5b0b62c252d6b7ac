import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildImage } from '../../../src/images/build.js';
import { DEFAULT_REDUCE } from '../../../src/images/reduce.js';
import type { BuildOptions } from '../../../src/images/types.js';
import { KEPT, makeBusyboxRoot, REDUCED, setup, snapshot, squashfsPaths } from './fixture.js';

const opts = (name: string, source: BuildOptions['source'], more: Partial<BuildOptions> = {}): BuildOptions => ({
  name,
  source,
  reduce: { ...DEFAULT_REDUCE, exclude: ['var/log/*.log'] },
  compression: 'zstd',
  xattrs: true,
  ...more,
});

describe('image build from a folder and from a tarball (real mksquashfs, unsquashfs, tar)', () => {
  let root: string;
  beforeAll(() => {
    root = join(mkdtempSync(join(tmpdir(), 'rb-imgroot-')), 'root');
    makeBusyboxRoot(root);
  });

  it('--from: squashes the tree without what the reduction leaves out, leaves the tree as it was, registers the image with its kernel', async () => {
    const s = setup();
    const before = snapshot(root);
    const seen: { tree: string; version?: string; modules?: string; dir: string }[] = [];
    const r = await buildImage(opts('bb', { kind: 'dir', dir: root }, { onTree: async (tree, k, t) => void seen.push({ tree, version: k?.version, modules: k?.modulesDir, dir: t.dir }) }), s.deps);

    expect(snapshot(root)).toBe(before);
    const imgDir = join(s.deps.imagesDir, 'bb');
    const file = join(imgDir, `root-${r.image.sha256.slice(0, 16)}.squashfs`);
    expect(r.image).toMatchObject({ name: 'bb', kind: 'rootfs', path: `bb/root-${r.image.sha256.slice(0, 16)}.squashfs`, kernelVersion: '1.2.3', kernelPath: 'bb/vmlinuz', size: statSync(file).size });
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(r.image.sha256);
    expect(s.images.get('bb')).toEqual(r.image);
    expect(readFileSync(join(imgDir, 'vmlinuz'))).toEqual(readFileSync(join(root, 'boot/vmlinuz-1.2.3')));
    expect(seen).toEqual([{ tree: root, version: '1.2.3', modules: join(root, 'lib/modules/1.2.3'), dir: imgDir }]);

    const paths = squashfsPaths(file);
    for (const p of KEPT.filter((k) => k !== 'var/log/big.log')) expect(paths).toContain(p);
    for (const p of [...REDUCED, 'var/log/big.log']) expect(paths).not.toContain(p);
    expect(paths).toContain('sbin/init');
    expect(r.plan.bytes).toBe(REDUCED.concat('var/log/big.log').reduce((n, p) => n + statSync(join(root, p)).size, 0));
    expect(s.events.some((e) => e.type === 'phase' && e.phase === 'reduce' && e.detail.includes(`removed ${r.plan.bytes} bytes`))).toBe(true);
    expect(readdirSync(imgDir).sort()).toEqual(['vmlinuz', `root-${r.image.sha256.slice(0, 16)}.squashfs`].sort());
    expect(readdirSync(s.deps.workDir)).toEqual([]); // temporary folder removed
  });

  it('--keep-* options keep each class', async () => {
    const s = setup();
    const r = await buildImage(opts('all', { kind: 'dir', dir: root }, { reduce: { keepDocs: true, keepMan: true, keepLocales: 'all', keepApt: true, keepInitrd: true, exclude: [] } }), s.deps);
    const paths = squashfsPaths(join(s.deps.imagesDir, r.image.path));
    for (const p of [...REDUCED, ...KEPT]) expect(paths).toContain(p);
    expect(r.plan.bytes).toBe(0);
  });

  for (const [ext, flag] of [['tar.gz', '-z'], ['tar.zst', '--zstd'], ['tar.xz', '-J'], ['tar', '']] as const) {
    it(`--from-tar .${ext}: extracted with numeric owners into a temporary folder, removed afterwards`, async () => {
      const s = setup();
      const tarball = join(s.dir, `root.${ext}`);
      const t = spawnSync('tar', ['-c', ...(flag ? [flag] : []), '-f', tarball, '--owner=1234', '--group=4321', '-C', root, '.']);
      expect(t.status, String(t.stderr)).toBe(0);
      const r = await buildImage(opts('tb', { kind: 'tar', file: tarball }), s.deps);
      const file = join(s.deps.imagesDir, r.image.path);
      expect(squashfsPaths(file)).toContain('bin/busybox');
      expect(squashfsPaths(file)).not.toContain('usr/share/man/man1/busybox.1.gz');
      const owners = spawnSync('unsquashfs', ['-lln', file, 'etc/passwd'], { encoding: 'utf8' }).stdout;
      expect(owners).toMatch(/1234\/4321 .*etc\/passwd/);
      expect(r.image.kernelVersion).toBe('1.2.3');
      expect(readdirSync(s.deps.workDir)).toEqual([]);
    });
  }

  it('a rebuild writes a new file and switches the row to it (same id), keeps the file it replaced, removes older generations', async () => {
    const s = setup();
    const gen = async (n: number) => buildImage(opts('gen', { kind: 'dir', dir: root }, { compression: (['gzip', 'xz', 'zstd'] as const)[n]! }), s.deps);
    const a = await gen(0);
    const b = await gen(1);
    expect(b.image.id).toBe(a.image.id);
    expect(b.image.path).not.toBe(a.image.path);
    expect(b.replaced).toEqual(a.image);
    expect(s.images.get('gen').path).toBe(b.image.path);
    expect(existsSync(join(s.deps.imagesDir, a.image.path))).toBe(true);
    const c = await gen(2);
    expect(c.pruned).toEqual([a.image.path.replace('gen/', '')]);
    expect(existsSync(join(s.deps.imagesDir, a.image.path))).toBe(false);
    expect(existsSync(join(s.deps.imagesDir, b.image.path))).toBe(true);
    expect(s.images.list()).toHaveLength(1);
  });

  it('refuses a tree that is not a root filesystem, naming what is missing, and registers nothing', async () => {
    const s = setup();
    const bad = mkdtempSync(join(tmpdir(), 'rb-notroot-'));
    await expect(buildImage(opts('x', { kind: 'dir', dir: bad }), s.deps)).rejects.toThrow(/is not a root filesystem: \/etc is not a folder; \/sbin\/init is missing/);
    expect(s.images.list()).toEqual([]);
    expect(readdirSync(s.deps.workDir)).toEqual([]);
  });
});
