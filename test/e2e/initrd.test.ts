/**
 * The initrd builder checked by a real reader: GNU cpio lists and extracts the archive the
 * harness writes (our own newc encoder), so a malformed header or padding shows up here
 * rather than as a kernel that silently ignores part of its initramfs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkDir } from '../../lab/lib/bootfiles.js';
import { encodeCpio } from '../../src/node/cpio.js';
import { buildInitrd, DEFAULT_MODULES } from '../../lab/lib/initrd.js';
import { findGuestKernel, moduleLoadOrder } from '../../lab/lib/kernel.js';
import { setupOnce } from './lib/setup.js';
import { checkPrerequisites, findBusybox, PrerequisiteError, which } from '../../lab/lib/prereq.js';

describe('initrd builder (read back with GNU cpio)', () => {
  let dir: string | undefined;
  const ready = setupOnce(() => {
    checkPrerequisites({ files: ['busybox'] });
    if (!which('cpio')) throw new PrerequisiteError('cpio is not on PATH', ['cpio']);
    dir = makeWorkDir('rackboot-e2e-initrd');
    return dir;
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists every entry with its type, mode and device numbers', () => {
    ready();
    const kernel = findGuestKernel();
    const archive = gunzipSync(buildInitrd({ busybox: findBusybox()!, kernel, reportUrl: 'http://10.0.0.1:8080/report?stage=up' }));
    const listing = execFileSync('cpio', ['-itv', '--quiet'], { input: archive, encoding: 'utf8' });
    const line = (name: string): string => listing.split('\n').find((l) => l.endsWith(` ${name}`) || l.includes(` ${name} -> `)) ?? '';
    expect(line('dev/console')).toMatch(/^crw-------\s+1 root\s+root\s+5,\s+1 /);
    expect(line('init')).toMatch(/^-rwxr-xr-x /);
    expect(line('bin/sh')).toMatch(/^lrwxrwxrwx .* bin\/sh -> busybox$/);
    const modules = moduleLoadOrder(kernel.modulesDir, DEFAULT_MODULES);
    expect(modules.map((m) => m.name)).toEqual(expect.arrayContaining(['virtio', 'virtio_ring', 'virtio_pci', 'virtio_net']));
    expect(modules.findIndex((m) => m.name === 'virtio')).toBeLessThan(modules.findIndex((m) => m.name === 'virtio_net'));
    for (const m of modules) expect(listing).toContain(`lib/modules/${m.name}.ko`);
  });

  it('extracts byte-identical files, including odd sizes that need padding', () => {
    const out = join(ready(), 'x');
    mkdirSync(out);
    const files = [1, 2, 3, 4, 5, 511, 4097].map((n, i) => ({ path: `d/f${i}`, data: Buffer.alloc(n, i + 65) }));
    const archive = encodeCpio([{ kind: 'dir', path: 'd' }, ...files.map((f) => ({ kind: 'file' as const, ...f }))]);
    expect(archive.length % 4).toBe(0);
    execFileSync('cpio', ['-idm', '--quiet', '--no-absolute-filenames'], { input: archive, cwd: out });
    for (const f of files) expect(readFileSync(join(out, f.path)).equals(f.data), f.path).toBe(true);
  });
});
