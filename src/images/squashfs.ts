import { BuildError, isNoSpace, tail, type Runner } from './run.js';
import type { Compression } from './types.js';

/**
 * mksquashfs's command line. -one-file-system: a chroot in use has the host's /proc, /sys
 * and /dev mounted in it (mount points become empty folders). Extended attributes are kept
 * unless asked: file capabilities (ping's cap_net_raw) live in security.capability.
 * -quiet drops the summary; the progress bar stays only when asked for (a terminal).
 */
export function mksquashfsArgs(tree: string, out: string, o: { compression: Compression; excludeFile: string; xattrs: boolean; progress: boolean }): string[] {
  return [tree, out, '-noappend', '-comp', o.compression, '-ef', o.excludeFile, '-one-file-system', '-quiet', ...(o.progress ? [] : ['-no-progress']), ...(o.xattrs ? [] : ['-no-xattrs'])];
}

/**
 * Run mksquashfs; a full disk and other failures become BuildErrors. 4.5.1 has no
 * -percentage (4.6 added it) and draws its bar only on a terminal: through a pipe, stdio
 * buffering holds it back until the end. So on a terminal mksquashfs draws its own
 * one-line bar on our stderr, and elsewhere it stays silent.
 */
export async function mksquashfs(run: Runner, args: string[], tty: boolean, signal?: AbortSignal): Promise<void> {
  const r = await run('mksquashfs', args, { signal, stdoutToStderr: tty });
  if (r.code === 0) return;
  if (isNoSpace(null, r.stderr)) throw new NoSpaceError(args[1]!);
  throw new BuildError(`mksquashfs failed (exit ${r.code ?? r.signal}):\n${tail(r.stderr)}`);
}

/** The images folder filled up: the message says what to do; the caller has removed the partial file. */
export class NoSpaceError extends BuildError {
  constructor(file: string) {
    super(
      `no space left on device writing ${file}: the image does not fit in the images folder. Free space there (old images: rackboot image list), leave more out (--exclude, no --keep-*) or compress harder (--compression xz). Nothing was registered.`,
    );
  }
}
