import { lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../errors.js';
import { compareVersions } from '../node/initrd/modules.js';

export { compareVersions };

/** The image's own kernel, found in its tree. Paths are on this machine (inside the tree). */
export interface TreeKernel {
  version: string;
  vmlinuz: string;
  modulesDir: string;
}

const MAX_LINKS = 40; // Linux's own limit (MAXSYMLINKS) before ELOOP

/**
 * Resolve `rel` the way the node will once the tree is its root: absolute symlinks
 * (/sbin/init -> /lib/systemd/systemd) and ".." start again at the tree, never above it
 * (usrmerge makes /sbin itself a link to usr/sbin). Returns the path on this machine, or
 * null when something along the way does not exist or links loop.
 */
export function resolveInside(tree: string, rel: string): string | null {
  const todo = rel.split('/').filter((c) => c !== '' && c !== '.');
  const done: string[] = [];
  let links = 0;
  while (todo.length > 0) {
    const c = todo.shift()!;
    if (c === '..') {
      done.pop();
      continue;
    }
    const here = join(tree, ...done, c);
    let st;
    try {
      st = lstatSync(here);
    } catch {
      return null;
    }
    if (!st.isSymbolicLink()) {
      done.push(c);
      continue;
    }
    if (++links > MAX_LINKS) return null;
    const target = readlinkSync(here);
    if (target.startsWith('/')) done.length = 0;
    todo.unshift(...target.split('/').filter((x) => x !== '' && x !== '.'));
  }
  return join(tree, ...done);
}

const kindOf = (path: string | null): 'dir' | 'file' | 'other' | null => {
  if (path === null) return null;
  const st = statSync(path, { throwIfNoEntry: false });
  return !st ? null : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
};

/** A root filesystem has /etc and an /sbin/init the kernel can start; say which is missing. */
export function checkRootfs(tree: string): void {
  const top = statSync(tree, { throwIfNoEntry: false });
  if (!top?.isDirectory()) throw new ValidationError(`${tree} is not a folder`, 'source');
  const problems: string[] = [];
  if (kindOf(resolveInside(tree, 'etc')) !== 'dir') problems.push('/etc is not a folder');
  const init = kindOf(resolveInside(tree, 'sbin/init'));
  if (init !== 'file') {
    const link = lstatSync(join(tree, 'sbin', 'init'), { throwIfNoEntry: false });
    problems.push(link?.isSymbolicLink() ? `/sbin/init -> ${readlinkSync(join(tree, 'sbin', 'init'))} leads nowhere inside the tree` : '/sbin/init is missing');
  }
  if (problems.length > 0) {
    throw new ValidationError(
      `${tree} is not a root filesystem: ${problems.join('; ')} (a Debian tree needs an init: add the package systemd-sysv, or sysvinit-core)`,
      'source',
    );
  }
}

/** The newest /boot/vmlinuz-<ver> whose /lib/modules/<ver>/modules.dep exists, or null. */
export function findKernel(tree: string): TreeKernel | null {
  const boot = resolveInside(tree, 'boot');
  if (kindOf(boot) !== 'dir') return null;
  const found: TreeKernel[] = [];
  for (const f of readdirSync(boot!)) {
    const m = /^vmlinuz-([\w.+~-]+)$/.exec(f);
    if (!m) continue;
    const vmlinuz = resolveInside(tree, `boot/${f}`);
    const modulesDir = resolveInside(tree, `lib/modules/${m[1]}`);
    const dep = resolveInside(tree, `lib/modules/${m[1]}/modules.dep`);
    if (kindOf(vmlinuz) !== 'file' || kindOf(modulesDir) !== 'dir' || kindOf(dep) !== 'file') continue;
    found.push({ version: m[1]!, vmlinuz: vmlinuz!, modulesDir: modulesDir! });
  }
  found.sort((a, b) => compareVersions(b.version, a.version));
  return found[0] ?? null;
}
