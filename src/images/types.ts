import type { ReduceOptions } from './reduce.js';
import type { TreeKernel } from './rootfs.js';

export type Compression = 'gzip' | 'xz' | 'zstd' | 'lz4';
export const COMPRESSIONS: Compression[] = ['gzip', 'xz', 'zstd', 'lz4'];

/** Where the root filesystem comes from; exactly one. */
export type BuildSource =
  | { kind: 'dir'; dir: string } // used as is and never written to
  | { kind: 'tar'; file: string } // .tar[.gz|.xz|.zst|…], e.g. `docker export`
  | { kind: 'debian'; suite: string; packages: string[]; mirror: string; variant: string; cacheDir: string };

/** The image being built, for the onTree hook: where its files go. */
export interface BuildTarget {
  name: string;
  dir: string; // <imagesDir>/NAME: vmlinuz, initrd.gz and root-*.squashfs live here
}

/**
 * Called once the tree has passed the checks and before it is squashed, with the tree's
 * own kernel (null when it has none). The tree is read-only to the hook (it may be the
 * admin's own chroot); files the hook makes for the image go into `target.dir`, written to
 * a temporary name and renamed. A hook that throws fails the build: nothing is registered.
 */
export type OnTree = (tree: string, kernel: TreeKernel | null, target: BuildTarget) => Promise<void>;

export interface BuildOptions {
  name: string;
  source: BuildSource;
  reduce: ReduceOptions;
  compression: Compression;
  xattrs: boolean; // keep extended attributes (file capabilities such as ping's cap_net_raw)
  onTree?: OnTree;
  signal?: AbortSignal; // Ctrl-C: stops the running tool; temporary files are removed
}

export type BuildEvent =
  | { type: 'phase'; phase: 'extract' | 'debootstrap' | 'check' | 'reduce' | 'kernel' | 'hook' | 'squashfs' | 'hash' | 'register'; detail: string }
  | { type: 'log'; line: string }; // a tool's own progress line (mmdebstrap's "I: …")

export type Reporter = (e: BuildEvent) => void;
