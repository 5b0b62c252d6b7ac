import { ValidationError } from '../errors.js';

/** One path of a tree, relative to its root ("usr/share/doc/bash/README"), as walkTree lists it. */
export interface TreeEntry {
  path: string;
  type: 'dir' | 'file' | 'link' | 'other';
  size: number;
}

/**
 * What the image leaves out. A diskless node never reads docs, man pages or apt's
 * downloaded lists, and boots rackboot's own initrd, not the tree's. Copyright files stay
 * (usr/share/doc/<package>/copyright): Debian ships each package's licence with it, they
 * weigh a few hundred KB in all, and an image handed to other machines keeps its notices.
 */
export interface ReduceOptions {
  keepDocs: boolean;
  keepMan: boolean; // man and info pages
  keepLocales: string[] | 'all'; // languages kept besides C/POSIX: "de" keeps de, de_DE, de_AT@euro…
  keepApt: boolean; // var/lib/apt/lists and var/cache/apt files
  keepInitrd: boolean; // boot/initrd.img-*
  exclude: string[]; // globs over tree-relative paths (see globToRegExp)
}

export const DEFAULT_REDUCE: ReduceOptions = { keepDocs: false, keepMan: false, keepLocales: [], keepApt: false, keepInitrd: false, exclude: [] };

export type ExclusionClass = 'docs' | 'man' | 'locales' | 'apt' | 'initrd' | 'exclude';

export interface ExclusionPlan {
  /** Exact paths for mksquashfs -ef; a folder stands for everything under it. */
  paths: string[];
  /** Bytes of regular files left out, in all and by class. */
  bytes: number;
  byClass: Partial<Record<ExclusionClass, number>>;
  /** Paths that should be left out but cannot be written in an exclude file (a newline in the name): kept. */
  kept: string[];
}

/**
 * A glob over tree-relative paths: `*` and `?` stay within one path component, `**` spans
 * folders, `[…]` is a class. A glob without "/" matches a name at any depth (like
 * .gitignore); with "/" it matches the whole path from the tree's root ("/var/log/*" and
 * "var/log/*" are the same). A matching folder is left out with all it holds.
 */
export function globToRegExp(glob: string): RegExp {
  const g = glob.replace(/^\/+/, '').replace(/\/+$/, '');
  if (g === '' || g.includes('\n')) throw new ValidationError(`"${glob}" is not a usable glob`, '--exclude');
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*' && g[i + 1] === '*') {
      const slash = g[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[' && g.indexOf(']', i + 2) > 0) {
      const end = g.indexOf(']', i + 2);
      const body = g.slice(i + 1, end).replace(/^!/, '^').replace(/[\\\]]/g, '\\$&');
      re += `[${body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(g.includes('/') ? `^${re}$` : `(?:^|/)${re}$`);
}

const C_LOCALES = new Set(['C', 'POSIX', 'C.UTF-8', 'C.utf8']);

function keepsLocale(name: string, keep: string[] | 'all'): boolean {
  if (keep === 'all' || C_LOCALES.has(name)) return true;
  return keep.some((k) => name === k || name.startsWith(`${k}_`) || name.startsWith(`${k}.`) || name.startsWith(`${k}@`));
}

const DOC_ROOTS = ['usr/share/doc-base/', 'usr/share/gtk-doc/'];
const MAN_ROOTS = ['usr/share/man/', 'usr/share/info/'];
const LOCALE_ROOTS = ['usr/share/locale/', 'usr/lib/locale/'];
const APT_ROOTS = ['var/lib/apt/lists/', 'var/cache/apt/'];

/** Which class leaves this path out, if any; the folders themselves stay (packages expect them). */
function classify(e: TreeEntry, o: ReduceOptions, globs: RegExp[]): ExclusionClass | null {
  const p = e.path;
  const parts = p.split('/');
  const under = (roots: string[]) => roots.some((r) => p.startsWith(r) && !p.slice(r.length).includes('/'));
  if (!o.keepDocs) {
    // usr/share/doc/<package>/<x>: everything but the copyright file; a stray file directly in doc/ too.
    if (p.startsWith('usr/share/doc/') && parts.length === 5 && parts[4] !== 'copyright') return 'docs';
    if (p.startsWith('usr/share/doc/') && parts.length === 4 && e.type === 'file') return 'docs';
    if (under(DOC_ROOTS)) return 'docs';
  }
  if (!o.keepMan && under(MAN_ROOTS)) return 'man';
  // locale.alias (a file) stays: glibc reads it to resolve LANG=de and the like.
  if (under(LOCALE_ROOTS) && e.type !== 'file' && !keepsLocale(parts[parts.length - 1]!, o.keepLocales)) return 'locales';
  if (!o.keepApt && e.type !== 'dir' && APT_ROOTS.some((r) => p.startsWith(r))) return 'apt';
  if (!o.keepInitrd && parts.length === 2 && parts[0] === 'boot' && parts[1]!.startsWith('initrd.img-')) return 'initrd';
  if (globs.some((g) => g.test(p))) return 'exclude';
  return null;
}

/** The exclusion list for a tree; order-free, a path under a left-out folder is not listed again. */
export function planExclusions(entries: Iterable<TreeEntry>, o: ReduceOptions): ExclusionPlan {
  const globs = o.exclude.map(globToRegExp);
  const list = [...entries];
  const classOf = new Map<string, ExclusionClass>();
  const plan: ExclusionPlan = { paths: [], bytes: 0, byClass: {}, kept: [] };
  for (const e of list) {
    const c = classify(e, o, globs);
    if (c && e.path.includes('\n')) plan.kept.push(e.path);
    else if (c) classOf.set(e.path, c);
  }
  const topmost = (p: string): ExclusionClass | undefined => {
    let found: ExclusionClass | undefined;
    for (let i = p.indexOf('/'); i > 0 && !found; i = p.indexOf('/', i + 1)) found = classOf.get(p.slice(0, i));
    return found;
  };
  for (const e of list) {
    const above = topmost(e.path);
    const c = above ?? classOf.get(e.path);
    if (!c) continue;
    if (!above) plan.paths.push(e.path);
    if (e.type === 'file') {
      plan.bytes += e.size;
      plan.byClass[c] = (plan.byClass[c] ?? 0) + e.size;
    }
  }
  plan.paths.sort();
  return plan;
}

/**
 * mksquashfs -ef text: one path per line, relative to the source folder, matched exactly
 * (no -wildcards). mksquashfs skips leading blanks and "#" comment lines and takes a
 * leading backslash as an escape, so such names get one (checked with 4.5.1).
 */
export function excludeFileText(paths: string[]): string {
  return paths.map((p) => (/^[\s#\\]/.test(p) ? `\\${p}` : p)).join('\n') + (paths.length ? '\n' : '');
}
