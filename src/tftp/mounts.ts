import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Config } from '../config.js';

/**
 * A folder served under a request prefix: a request `images/vmlinuz` is looked up as
 * `<dir>/vmlinuz` in a mount with prefix `images/`. Prefix '' is the TFTP root.
 * `byBasename` mounts also answer a request under any prefix by its last path segment
 * (`X86PC/linux/ldlinux.c32` → `ldlinux.c32`), for loader files a ROM asks for under the
 * path its boot file came from.
 */
export interface Mount {
  prefix: string;
  dir: string;
  byBasename?: boolean;
}

/** Debian's pxelinux and syslinux BIOS modules (packages pxelinux, syslinux-common). */
export const SYSLINUX_DIRS = ['/usr/lib/PXELINUX', '/usr/lib/syslinux/modules/bios'];

/**
 * The daemon's mounts, searched in order: the boot-files folder at the root, the images
 * folder under `images/`, then Debian's syslinux files (when `tftp.syslinux` and present),
 * which also answer by basename. `tftp.bootDir` is relative to the config file's folder,
 * or `cwd` for the embedded default, like the root keys in config.ts.
 */
export function defaultMounts(config: Config, cwd: string = process.cwd()): Mount[] {
  const base = config.configFile ? dirname(config.configFile) : cwd;
  const mounts: Mount[] = [
    { prefix: '', dir: resolve(base, config.tftp.bootDir) },
    { prefix: 'images/', dir: config.imagesDir },
  ];
  if (config.tftp.syslinux) {
    for (const dir of SYSLINUX_DIRS) if (existsSync(dir)) mounts.push({ prefix: '', dir, byBasename: true });
  }
  return mounts;
}
