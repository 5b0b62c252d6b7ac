import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { assembleNodeInitrd, type NodeInitrdOptions } from './build.js';
import type { ModuleFile } from './modules.js';

export interface WrittenInitrd {
  file: string;
  bytes: number;
  kernelVersion: string;
  modules: ModuleFile[];
}

/**
 * Build and write the node initrd to `outFile` through a temporary name and a rename: a
 * node reading the old file (TFTP, HTTP) keeps its bytes, and a failed build leaves it.
 */
export function writeNodeInitrd(outFile: string, opts: NodeInitrdOptions): WrittenInitrd {
  const { archive, modules } = assembleNodeInitrd(opts);
  mkdirSync(dirname(outFile), { recursive: true });
  const tmp = `${outFile}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, archive);
    renameSync(tmp, outFile);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return { file: outFile, bytes: archive.length, kernelVersion: opts.kernelVersion, modules };
}

/**
 * The node initrd for an unpacked image tree, with that tree's own kernel modules
 * (`<tree>/lib/modules/<kernelVersion>`). The image builder calls this after unpacking.
 */
export function writeNodeInitrdForTree(
  tree: string,
  kernelVersion: string,
  outFile: string,
  extra: Omit<NodeInitrdOptions, 'modulesDir' | 'kernelVersion'> = {},
): WrittenInitrd {
  return writeNodeInitrd(outFile, { ...extra, modulesDir: join(tree, 'lib/modules', kernelVersion), kernelVersion });
}
