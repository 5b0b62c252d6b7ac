import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CpioEntry } from '../cpio.js';

export interface SharedLibrary {
  /** Where the dynamic loader looks for it (as `ldd` prints it), e.g. /lib/x86_64-linux-gnu/libc.so.6. */
  path: string;
}

/**
 * The shared libraries a dynamically linked program needs, loader included, as `ldd` lists
 * them. Lines without a path (linux-vdso) are skipped; a "not found" library is an error.
 */
export function sharedLibraries(binary: string): SharedLibrary[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return parseLdd(out, binary);
}

export function parseLdd(out: string, binary = 'the program'): SharedLibrary[] {
  const libs: SharedLibrary[] = [];
  for (const raw of out.split('\n')) {
    const line = raw.trim();
    if (!line || /statically linked/.test(line)) continue;
    if (/=> not found/.test(line)) throw new Error(`${binary}: ldd says ${line}`);
    const m = /=>\s*(\/\S+)\s+\(/.exec(line) ?? /^(\/\S+)\s+\(/.exec(line);
    if (m) libs.push({ path: m[1]! });
  }
  return libs;
}

/**
 * cpio entries that put `binary` at `dest` (relative to the archive root) with every
 * library `ldd` lists at the same path as on the host, plus the directories they need
 * that are not in `existingDirs`. Symlinks are followed: the archive holds real files.
 */
export function dynamicProgramEntries(binary: string, dest: string, existingDirs: Iterable<string>): CpioEntry[] {
  const have = new Set(existingDirs);
  const entries: CpioEntry[] = [];
  const addDirs = (file: string): void => {
    const parts = dirname(file).split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!have.has(dir)) {
        have.add(dir);
        entries.push({ kind: 'dir', path: dir });
      }
    }
  };
  const rel = (p: string): string => p.replace(/^\/+/, '');
  addDirs(dest);
  entries.push({ kind: 'file', path: rel(dest), data: readFileSync(binary), mode: 0o755 });
  for (const lib of sharedLibraries(binary)) {
    addDirs(rel(lib.path));
    entries.push({ kind: 'file', path: rel(lib.path), data: readFileSync(lib.path), mode: 0o755 });
  }
  return entries;
}
