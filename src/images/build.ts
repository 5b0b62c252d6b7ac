import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { ImageService } from '../inventory/images.js';
import { sha256File } from '../inventory/images.js';
import type { Image } from '../inventory/types.js';
import { excludeFileText, planExclusions, type ExclusionPlan } from './reduce.js';
import { checkRootfs, findKernel, type TreeKernel } from './rootfs.js';
import { BuildError, isNoSpace, spawnRunner, type Runner } from './run.js';
import { prepareTree } from './sources.js';
import { mksquashfs, mksquashfsArgs, NoSpaceError } from './squashfs.js';
import type { BuildOptions, Reporter } from './types.js';
import { walkTree } from './walk.js';
import { pruneGenerations } from './generations.js';

export interface BuildDeps {
  images: ImageService;
  imagesDir: string;
  /** Temporary trees and files go in a fresh folder under here (default <dataDir>/tmp). */
  workDir: string;
  run?: Runner;
  now?: () => number;
  report?: Reporter;
  /** stderr is a terminal: mksquashfs then draws its progress bar there. */
  tty?: boolean;
}

export interface BuildResult {
  image: Image;
  replaced: Image | null; // the row before this build; its file is kept
  plan: ExclusionPlan; // what the reduction left out (plan.bytes: bytes removed)
  kernel: TreeKernel | null;
  pruned: string[]; // older generations removed
  seconds: number;
}

/**
 * Build a root filesystem image and register it: source → checks → exclusion plan →
 * kernel → onTree → mksquashfs → sha256 → rename → catalogue (docs/diskless.md). Until the
 * catalogue switches, nothing a reader uses has changed; on any failure the partial image
 * and every temporary file are removed and the catalogue is untouched.
 */
export async function buildImage(o: BuildOptions, deps: BuildDeps): Promise<BuildResult> {
  const { images, run = spawnRunner, now = Date.now, report = () => {} } = deps;
  const t0 = now();
  images.assertBuildable(o.name);
  const dir = join(resolve(deps.imagesDir), o.name);
  mkdirSync(dir, { recursive: true });
  mkdirSync(deps.workDir, { recursive: true });
  const work = mkdtempSync(join(resolve(deps.workDir), `build-${o.name}-`));
  const tag = randomBytes(4).toString('hex');
  const temps = { squashfs: join(dir, `.root-${tag}.squashfs.tmp`), vmlinuz: join(dir, `.vmlinuz-${tag}.tmp`) };
  const step = () => {
    if (o.signal?.aborted) throw new BuildError('interrupted');
  };
  try {
    await run('mksquashfs', ['-version']); // a missing squashfs-tools fails now, not after mmdebstrap
    const tree = resolve(await prepareTree(o.source, work, run, report, o.signal));
    step();
    report({ type: 'phase', phase: 'check', detail: `checking ${tree}` });
    checkRootfs(tree);
    const kernel = findKernel(tree);
    const plan = planExclusions(walkTree(tree), o.reduce);
    const excludeFile = join(work, 'exclude');
    writeFileSync(excludeFile, excludeFileText(plan.paths));
    report({ type: 'phase', phase: 'reduce', detail: reduceSummary(plan) });
    report({ type: 'phase', phase: 'kernel', detail: kernel ? `${kernel.version} (${relative(tree, kernel.vmlinuz)})` : 'no kernel in the tree (boot/vmlinuz-<version> with lib/modules/<version>/modules.dep)' });
    if (kernel) copyFileSync(kernel.vmlinuz, temps.vmlinuz);
    if (o.onTree) {
      report({ type: 'phase', phase: 'hook', detail: 'files made from the tree (the node initrd)' });
      await o.onTree(tree, kernel, { name: o.name, dir });
    }
    step();
    report({ type: 'phase', phase: 'squashfs', detail: `mksquashfs -comp ${o.compression}` });
    const tty = deps.tty ?? false;
    await mksquashfs(run, mksquashfsArgs(tree, temps.squashfs, { compression: o.compression, excludeFile, xattrs: o.xattrs, progress: tty }), tty, o.signal);
    step();
    report({ type: 'phase', phase: 'hash', detail: 'sha256' });
    const sha256 = await sha256File(temps.squashfs);
    const size = statSync(temps.squashfs).size;
    const file = join(dir, `root-${sha256.slice(0, 16)}.squashfs`);
    step();
    report({ type: 'phase', phase: 'register', detail: basename(file) });
    const existed = existsSync(file); // same bytes as a kept generation: renaming over it changes nothing
    renameSync(temps.squashfs, file);
    try {
      if (kernel) renameSync(temps.vmlinuz, join(dir, 'vmlinuz'));
      const { image, replaced } = images.registerRootfs({ name: o.name, file, size, sha256, kernel: kernel && { version: kernel.version, file: join(dir, 'vmlinuz') } });
      const pruned = pruneGenerations(dir, [file, ...(replaced ? [images.pathOf(replaced)] : [])]);
      return { image, replaced, plan, kernel, pruned, seconds: (now() - t0) / 1000 };
    } catch (e) {
      if (!existed) rmSync(file, { force: true });
      throw e;
    }
  } catch (e) {
    if (o.signal?.aborted) throw new BuildError('interrupted: the partial image and temporary files were removed; nothing was registered');
    if (isNoSpace(e) && !(e instanceof NoSpaceError)) throw new NoSpaceError(`${dir} (${(e as Error).message})`);
    throw e;
  } finally {
    rmSync(temps.squashfs, { force: true });
    rmSync(temps.vmlinuz, { force: true });
    // rm --one-file-system: if a killed mmdebstrap left /proc or /dev mounted in the tree, never recurse into them.
    const r = await run('rm', ['-rf', '--one-file-system', work]);
    // A warning, not a failure: the image itself is fine (or the build's own error says more).
    if (r.code !== 0) report({ type: 'log', line: `could not remove the temporary folder ${work} (is something still mounted in it?): ${r.stderr.trim()}` });
  }
}

const human = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`);

export function reduceSummary(p: ExclusionPlan): string {
  const parts = Object.entries(p.byClass).map(([c, n]) => `${c} ${human(n)}`);
  return `reduction removed ${p.bytes} bytes (${human(p.bytes)}${parts.length ? `: ${parts.join(', ')}` : ''}) in ${p.paths.length} paths`;
}
