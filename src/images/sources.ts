import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../errors.js';
import { BuildError, isNoSpace, missingTool, tail, type Runner } from './run.js';
import type { BuildSource, Reporter } from './types.js';

export const DEFAULT_MIRROR = 'http://deb.debian.org/debian';
export const DEFAULT_VARIANT = 'minbase';
const VARIANTS = ['extract', 'custom', 'essential', 'apt', 'required', 'minbase', 'buildd', 'important', 'debootstrap', 'standard'];

/** Reject what mmdebstrap would misread: its special hooks split their arguments on blanks. */
export function checkDebianSource(s: Extract<BuildSource, { kind: 'debian' }>): void {
  if (!/^[a-z][a-z0-9.-]*$/.test(s.suite)) throw new ValidationError(`"${s.suite}" is not a Debian suite name (bookworm, trixie, stable…)`, '--debian');
  const bad = s.packages.find((p) => !/^[a-z0-9][a-z0-9+.:~=/-]*$/.test(p));
  if (bad !== undefined) throw new ValidationError(`"${bad}" is not a Debian package name`, '--packages');
  if (!/^(https?|file):\/\/\S+$/.test(s.mirror)) throw new ValidationError(`"${s.mirror}" must be an http://, https:// or file:// URL`, '--mirror');
  if (!VARIANTS.includes(s.variant)) throw new ValidationError(`"${s.variant}" must be one of ${VARIANTS.join(', ')}`, '--variant');
  if (/\s/.test(s.cacheDir)) throw new ValidationError(`"${s.cacheDir}" must not contain blanks (mmdebstrap's sync-in splits on them)`, '--cache');
}

/**
 * mmdebstrap with its documented package cache (mmdebstrap(1), "reuse the cache"): the
 * .debs stay in the tree (download/empty and essential/unlink skipped), are seeded from
 * and saved back to the cache folder, then deleted so the tree (and --keep-apt images)
 * do not carry them.
 */
export function mmdebstrapArgs(s: Extract<BuildSource, { kind: 'debian' }>, target: string): string[] {
  const archives = '/var/cache/apt/archives';
  return [
    `--variant=${s.variant}`,
    ...(s.packages.length ? [`--include=${s.packages.join(',')}`] : []),
    // Snapshot mirrors serve Release files whose Valid-Until has passed; a live mirror's
    // never has, so this only ever lets a snapshot be used (this machine's mirror is one).
    '--aptopt=Acquire::Check-Valid-Until "false"',
    '--skip=download/empty',
    '--skip=essential/unlink',
    `--setup-hook=mkdir -p "$1"${archives}/`,
    `--setup-hook=sync-in ${s.cacheDir} ${archives}/`,
    `--customize-hook=sync-out ${archives} ${s.cacheDir}`,
    `--customize-hook=find "$1"${archives} -maxdepth 1 -name '*.deb' -delete`,
    s.suite,
    target,
    s.mirror,
  ];
}

/** GNU tar reads the compression from the file's first bytes; owners by number, not by this host's names. */
export const tarArgs = (file: string, target: string): string[] => ['-x', '-f', file, '-C', target, '--numeric-owner', '--same-owner', '-p', '--xattrs', '--xattrs-include=*'];

function tarError(file: string, code: number | null, stderr: string): Error {
  const exec = /tar \(child\): (\S+): Cannot exec/.exec(stderr);
  if (exec) return missingTool(exec[1]!, `needed to decompress ${file}`);
  if (/does not look like a tar archive|Unexpected EOF|not in gzip format|File format not recognized/.test(stderr)) {
    return new ValidationError(`${file} is not a readable tar archive:\n${tail(stderr, 4)}`, '--from-tar');
  }
  return new BuildError(`tar failed on ${file} (exit ${code}):\n${tail(stderr)}`);
}

/** Make the tree for a source inside `work` (removed by the caller); a folder source is used in place. */
export async function prepareTree(source: BuildSource, work: string, run: Runner, report: Reporter, signal?: AbortSignal): Promise<string> {
  // The real path: a symlinked folder would otherwise be walked and squashed as a link.
  if (source.kind === 'dir') return existsSync(source.dir) ? realpathSync(source.dir) : source.dir;
  const tree = join(work, 'root');
  if (source.kind === 'tar') {
    if (!statSync(source.file, { throwIfNoEntry: false })?.isFile()) throw new ValidationError(`no file ${source.file}`, '--from-tar');
    mkdirSync(tree);
    report({ type: 'phase', phase: 'extract', detail: `extracting ${source.file}` });
    const r = await run('tar', tarArgs(source.file, tree), { signal });
    if (r.code !== 0) throw isNoSpace(null, r.stderr) ? new BuildError(`no space left in the work folder ${work} while extracting ${source.file}: free space there, or pass --work-dir`) : tarError(source.file, r.code, r.stderr);
    return tree;
  }
  checkDebianSource(source);
  mkdirSync(source.cacheDir, { recursive: true });
  report({ type: 'phase', phase: 'debootstrap', detail: `mmdebstrap ${source.suite} from ${source.mirror} (packages cached in ${source.cacheDir})` });
  const r = await run('mmdebstrap', mmdebstrapArgs(source, tree), { signal, onStderrLine: (line) => line && report({ type: 'log', line }) });
  if (r.code !== 0) {
    if (isNoSpace(null, r.stderr)) throw new BuildError(`no space left in the work folder ${work} during mmdebstrap: free space there, or pass --work-dir`);
    throw new BuildError(`mmdebstrap ${source.suite} failed (exit ${r.code}):\n${tail(r.stderr)}`);
  }
  return tree;
}
