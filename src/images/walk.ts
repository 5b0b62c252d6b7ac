import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TreeEntry } from './reduce.js';

/**
 * Every path of a tree, parents before children, staying on the tree's file system like
 * mksquashfs -one-file-system: a chroot in use has the host's /proc, /sys and /dev mounted
 * in it, and those are neither counted nor imaged. Symlinks are listed, never followed.
 */
export function walkTree(tree: string): TreeEntry[] {
  const dev = lstatSync(tree).dev;
  const out: TreeEntry[] = [];
  const visit = (rel: string): void => {
    for (const name of readdirSync(rel ? join(tree, rel) : tree).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(tree, path));
      const type = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'link' : 'other';
      out.push({ path, type, size: type === 'file' ? st.size : 0 });
      if (type === 'dir' && st.dev === dev) visit(path);
    }
  };
  visit('');
  return out;
}
