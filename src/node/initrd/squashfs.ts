import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError, ValidationError } from '../../errors.js';
import { compareVersions } from './modules.js';

/** Where a kernel's modules live in an image: lib/modules, or usr/lib/modules (merged /usr, lib a symlink). */
export interface ImageKernel {
  version: string;
  dir: string; // lib/modules/<version> or usr/lib/modules/<version>, relative to the image root
}

const run = (args: string[]): string => {
  try {
    return execFileSync('unsquashfs', args, { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { code?: string; stderr?: string };
    if (err.code === 'ENOENT') throw new NotFoundError('unsquashfs is not on PATH: install the Debian package squashfs-tools');
    throw new ValidationError(`unsquashfs ${args.join(' ')} failed: ${String(err.stderr ?? e).trim().slice(0, 300)}`, 'image');
  }
};

/** The kernels whose modules a squashfs image holds (a modules.dep under [usr/]lib/modules/<version>/), oldest first. */
export function squashfsKernels(image: string): ImageKernel[] {
  const out = run(['-lc', image, 'lib/modules', 'usr/lib/modules']);
  const found = new Map<string, string>();
  for (const line of out.split('\n')) {
    const m = /^squashfs-root\/((?:usr\/)?lib\/modules\/([^/]+))\/modules\.dep$/.exec(line.trim());
    if (m && !found.has(m[2]!)) found.set(m[2]!, m[1]!);
  }
  return [...found].map(([version, dir]) => ({ version, dir })).sort((a, b) => compareVersions(a.version, b.version));
}

/** The image's kernel: the one asked for, else the newest it holds. */
export function pickImageKernel(image: string, version?: string): ImageKernel {
  const kernels = squashfsKernels(image);
  const k = version ? kernels.find((x) => x.version === version) : kernels.at(-1);
  if (!k) {
    const held = kernels.map((x) => x.version).join(', ') || 'none';
    throw new NotFoundError(`${image} has no ${version ? `lib/modules/${version}` : 'kernel modules'} with a modules.dep (it holds: ${held})`);
  }
  return k;
}

/**
 * Extract one kernel's modules folder from the image into a fresh temporary folder, run
 * `use` with its path, then remove the folder whatever happens.
 */
export function withImageModules<T>(image: string, kernel: ImageKernel, use: (modulesDir: string) => T): T {
  const tmp = mkdtempSync(join(tmpdir(), 'rackboot-initrd-'));
  try {
    run(['-d', join(tmp, 'root'), '-f', '-no-progress', image, kernel.dir]);
    return use(join(tmp, 'root', kernel.dir));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
