import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

/**
 * Where boot files come from: a request path under `prefix` is looked up in `dir`.
 * The same shape TFTP serves; until src/tftp exports its mounts, src/api builds them
 * (see bootMounts in app.ts).
 */
export interface Mount {
  prefix: string; // '' for the root, else 'images' (no slashes at either end)
  dir: string;
}

/**
 * Split a requested path into safe segments: backslashes (Windows loaders) become
 * slashes, empty and `.` segments vanish; `..`, NUL and control characters refuse it.
 */
export function safeSegments(path: string): string[] | undefined {
  if (/[\0-\x1f\x7f]/.test(path)) return undefined;
  const parts = path.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return undefined;
  return parts;
}

const inside = (root: string, target: string): boolean => {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/**
 * The regular file `path` names in the first mount whose prefix matches, with symlinks
 * resolved and checked to stay inside the mount; undefined when there is none.
 */
export function resolveBootFile(mounts: readonly Mount[], path: string): string | undefined {
  const parts = safeSegments(path);
  if (!parts || parts.length === 0) return undefined;
  for (const m of mounts) {
    const pre = m.prefix === '' ? [] : m.prefix.split('/');
    if (!pre.every((p, i) => parts[i] === p) || parts.length <= pre.length) continue;
    let root: string;
    let file: string;
    try {
      root = realpathSync(m.dir);
      file = realpathSync(join(root, ...parts.slice(pre.length)));
    } catch {
      continue;
    }
    if (!inside(root, file)) continue;
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      continue;
    }
  }
  return undefined;
}

/** Debian's pxelinux.0 and its BIOS modules (ldlinux.c32, menu.c32 …). */
const SYSLINUX_DIRS = ['/usr/lib/PXELINUX', '/usr/lib/syslinux/modules/bios'];

/**
 * What /boot/files/ serves when the daemon passes no mounts: the images folder (both at
 * the root and under images/, as profile labels name kernels `images/vmlinuz…`) and
 * Debian's syslinux loaders.
 */
export function defaultBootMounts(config: { imagesDir: string }): Mount[] {
  return [
    { prefix: 'images', dir: config.imagesDir },
    { prefix: '', dir: config.imagesDir },
    ...SYSLINUX_DIRS.map((dir) => ({ prefix: '', dir })),
  ];
}
