import { constants } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { TftpErrorCode } from '../wire/tftp/packet.js';
import type { Mount } from './mounts.js';
import { refuse, type Refusal } from './paths.js';
import { FileSource, type Source } from './source.js';

/** An open, checked regular file. The opener closes `handle` when the transfer ends. */
export interface OpenedFile {
  handle: FileHandle;
  size: number;
}

type Lookup = OpenedFile | Refusal | undefined; // undefined = not in this mount

const ACCESS = (reason: string): Refusal => refuse(TftpErrorCode.ACCESS_VIOLATION, 'access', 'Access violation', reason);

/**
 * Open `path` (already normalised by normalizeRequestPath) from the first mount that has
 * it. A refusal in one mount (symlink escape, device file) ends the search: a later mount
 * never masks it. Mounts with `byBasename` are tried last with the request's basename.
 */
export async function openFileFromMounts(path: string, mounts: readonly Mount[]): Promise<OpenedFile | Refusal> {
  for (const m of mounts) {
    if (!path.startsWith(m.prefix) || path.length === m.prefix.length) continue;
    const found = await openInRoot(m.dir, path.slice(m.prefix.length));
    if (found) return found;
  }
  const slash = path.lastIndexOf('/');
  if (slash >= 0) {
    for (const m of mounts) {
      if (!m.byBasename) continue;
      const found = await openInRoot(m.dir, path.slice(slash + 1));
      if (found) return found;
    }
  }
  return refuse(TftpErrorCode.FILE_NOT_FOUND, 'not_found', 'File not found', 'in no TFTP root');
}

/** `rel` inside `root`, refusing anything whose real path leaves the root or is not a regular file. */
async function openInRoot(root: string, rel: string): Promise<Lookup> {
  let real: string;
  let realRoot: string;
  try {
    realRoot = await realpath(root);
    real = await realpath(join(root, rel));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return undefined;
    if (code === 'EACCES') return ACCESS(`permission denied in ${root}`);
    throw e;
  }
  if (real !== realRoot && !real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep))
    return ACCESS(`symlink leads out of ${root} to ${real}`);
  const st = await stat(real);
  if (st.isDirectory()) return undefined;
  if (!st.isFile()) return ACCESS(`${real} is not a regular file (device, FIFO or socket)`);
  let handle;
  try {
    // O_NOFOLLOW: the real path has no symlink left; one swapped in since is refused.
    // O_NONBLOCK: a FIFO swapped in cannot hang the open.
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    return ACCESS(`cannot open ${real}: ${code ?? (e as Error).message}`);
  }
  const fst = await handle.stat();
  // O_NOFOLLOW covers only the last component: a directory swapped for a symlink between
  // realpath and open would still land outside. What the descriptor really is, says /proc.
  let opened = real;
  try {
    opened = await realpath(`/proc/self/fd/${handle.fd}`);
  } catch {
    // no /proc: the dev+ino comparison below still holds
  }
  const inside = opened === realRoot || opened.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
  if (!fst.isFile() || fst.ino !== st.ino || fst.dev !== st.dev || !inside) {
    await handle.close();
    return ACCESS(`${real} changed while being opened${inside ? '' : ` (now ${opened}, outside ${root})`}`);
  }
  return { handle, size: fst.size };
}

/**
 * The same lookup as a Source that owns the file (closing the source closes it), for
 * callers that stream it themselves (the HTTP boot-file route).
 */
export async function openFromMounts(path: string, mounts: readonly Mount[]): Promise<(Source & { size: number }) | Refusal> {
  const found = await openFileFromMounts(path, mounts);
  if ('code' in found) return found;
  const source = new FileSource(found.handle.fd, found.size);
  return { size: found.size, read: (buffers) => source.read(buffers), close: () => found.handle.close() };
}
