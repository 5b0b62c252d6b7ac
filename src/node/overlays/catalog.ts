import { existsSync, lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NotFoundError, ValidationError } from '../../errors.js';
import { packageRoot } from '../../paths.js';

/** The overlays shipped with rackboot (the repository's `overlays/`). */
export const builtinOverlaysDir = (): string => join(packageRoot(), 'overlays');

/** One thing in an overlay folder, as found on disk (nothing read but its metadata). */
export type OverlaySource =
  | { kind: 'dir'; path: string }
  | { kind: 'file'; path: string; file: string; mode: number; mtimeMs: number; size: number }
  | { kind: 'symlink'; path: string; target: string };

const NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/**
 * Overlay folders by name. The admin's folder (config `overlaysDir`) is searched before the
 * built-in one, so an admin's `base` replaces rackboot's whole `base` (folders are not merged:
 * layering is what a profile's overlay list is for).
 */
export class OverlayCatalog {
  constructor(readonly dirs: readonly string[]) {}

  /** Every overlay name in any folder, sorted. */
  names(): string[] {
    const found = new Set<string>();
    for (const dir of this.dirs) {
      if (!existsSync(dir)) continue;
      for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && NAME.test(e.name)) found.add(e.name);
    }
    return [...found].sort();
  }

  /** The folder of overlay `name`: the first of `dirs` that has it. */
  locate(name: string): string {
    if (!NAME.test(name)) throw new ValidationError(`"${name}" is not an overlay name`, 'overlays');
    for (const dir of this.dirs) {
      const folder = join(dir, name);
      if (existsSync(folder) && statSync(folder).isDirectory()) return folder;
    }
    throw new NotFoundError(`no overlay "${name}" in ${this.dirs.join(' or ')}; known overlays: ${this.names().join(', ') || '(none)'}`);
  }

  /**
   * Walk an overlay folder, parents before children, sorted so the archive is reproducible.
   * Symlinks are reported, never followed: `x.wants/y.service -> ../y.service` must reach the
   * node as a link, and a link to a folder must not pull the server's files into an archive.
   */
  walk(name: string): OverlaySource[] {
    const root = this.locate(name);
    const builtin = resolve(root, '..') === resolve(builtinOverlaysDir());
    const out: OverlaySource[] = [];
    const visit = (rel: string): void => {
      for (const entry of readdirSync(join(root, rel)).sort()) {
        const path = rel ? `${rel}/${entry}` : entry;
        const file = join(root, path);
        const st = lstatSync(file);
        if (st.isSymbolicLink()) out.push({ kind: 'symlink', path, target: readlinkSync(file) });
        else if (st.isDirectory()) {
          out.push({ kind: 'dir', path });
          visit(path);
        } else if (st.isFile()) out.push({ kind: 'file', path, file, mode: fileMode(st.mode, builtin), mtimeMs: st.mtimeMs, size: st.size });
        // sockets, fifos and devices have no place in an overlay folder: skipped
      }
    };
    visit('');
    return out;
  }
}

/**
 * The mode a file reaches the node with. An admin's overlay keeps its modes (a 0600 key stays
 * 0600) without setuid, setgid or sticky bits; the built-in ones are 0644, or 0755 when
 * executable, whatever umask the package was unpacked under.
 */
function fileMode(mode: number, builtin: boolean): number {
  if (!builtin) return mode & 0o777;
  return mode & 0o111 ? 0o755 : 0o644;
}

/** Names of the built-in overlays (what a profile may name when no admin folder is configured). */
export const builtinOverlayNames = (): string[] => new OverlayCatalog([builtinOverlaysDir()]).names();
