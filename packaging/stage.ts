import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/**
 * What goes under /usr/lib/rackboot: everything src/paths.ts packageRoot() finds at run time
 * (package.json + migrations/, templates/ incl. web/, overlays/, initrd/, native/*.node,
 * dist/src/ incl. the TFTP worker), and the production node_modules.
 */
const RUNTIME_DIRS = ['migrations', 'templates', 'overlays', 'initrd'];

/** Copy the program into `lib` and install its production dependencies there with `npm ci`. */
export function stageProgram(repo: string, lib: string): void {
  // verbatimSymlinks: the overlays' relative links (…wants/x.service -> ../x.service) stay relative.
  const copy = (from: string, filter?: (src: string) => boolean): void =>
    cpSync(join(repo, from), join(lib, from), { recursive: true, verbatimSymlinks: true, filter });
  for (const f of ['package.json', 'package-lock.json', ...RUNTIME_DIRS]) copy(f);
  copy('dist/src', (src) => !src.endsWith('.map'));
  // npm ci runs package.json's `install` script, native/build.sh, which builds native/*.node.
  copy('native', (src) => !/\.(node|tmp)$/.test(src));
  execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: lib,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, JOBS: 'max', npm_config_update_notifier: 'false' },
  });
  pruneBuildLeftovers(lib);
}

/**
 * Compilers' inputs and intermediates (only the loadable .node files are needed), and the
 * modules' dotfiles (.npmignore, .eslintrc, .github/, .bin/ links to their dev tools).
 */
function pruneBuildLeftovers(lib: string): void {
  const modules = join(lib, 'node_modules');
  for (const rel of readdirSync(modules, { recursive: true, encoding: 'utf8' })) {
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    if (name.startsWith('.') && rel !== '.package-lock.json') rmSync(join(modules, rel), { recursive: true, force: true });
  }
  for (const f of readdirSync(join(lib, 'native'))) if (!f.endsWith('.node')) rmSync(join(lib, 'native', f));
  const sqlite = join(lib, 'node_modules', 'better-sqlite3');
  for (const d of ['deps', 'src', 'binding.gyp']) rmSync(join(sqlite, d), { recursive: true, force: true });
  for (const f of readdirSync(join(sqlite, 'build'))) if (f !== 'Release') rmSync(join(sqlite, 'build', f), { recursive: true, force: true });
  for (const f of readdirSync(join(sqlite, 'build', 'Release'))) {
    if (f !== 'better_sqlite3.node') rmSync(join(sqlite, 'build', 'Release', f), { recursive: true, force: true });
  }
}

/** Every file under `dir` (no symlinks). */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => lstatSync(f).isFile());
}

/** Whether `file` begins with `magic` (`#!`, `\x7fELF`). */
const startsWith = (file: string, magic: string): boolean => {
  const head = Buffer.alloc(magic.length);
  const fd = openSync(file, 'r');
  try {
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(Buffer.from(magic, 'latin1'));
  } finally {
    closeSync(fd);
  }
};

/** The ELF shared objects (native addons) under `dir`, stripped as dh_strip does. */
export function stripNativeAddons(dir: string): string[] {
  const elves = filesUnder(dir).filter((f) => startsWith(f, '\x7fELF'));
  for (const f of elves) execFileSync('strip', ['--strip-unneeded', '--remove-section=.comment', '--remove-section=.note', f]);
  return elves;
}

/** `${shlibs:Depends}` for the addons, from dpkg-shlibdeps (it wants a debian/control to read). */
export function shlibsDepends(elves: string[]): string {
  const work = mkdtempSync(join(tmpdir(), 'rackboot-shlibs-'));
  try {
    mkdirSync(join(work, 'debian'), { recursive: true });
    writeFileSync(join(work, 'debian', 'control'), 'Source: rackboot\n\nPackage: rackboot\nArchitecture: any\n');
    const out = execFileSync('dpkg-shlibdeps', ['-O', '--warnings=0', ...elves], { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.replace(/^shlibs:Depends=/, '').trim();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Debian's modes: directories 0755; files 0755 when they are scripts (`#!`) executable by
 * anyone, else 0644 (shared objects such as native addons included: dlopen needs no x bit).
 */
export function normalizeModes(root: string): void {
  chmodSync(root, 0o755);
  for (const rel of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    const path = join(root, rel);
    const st = lstatSync(path);
    if (st.isSymbolicLink()) continue;
    const executable = st.isDirectory() || (st.mode & 0o111 && startsWith(path, '#!'));
    chmodSync(path, executable ? 0o755 : 0o644);
  }
}

/** Installed-Size (KiB) as dpkg-gencontrol counts it: each file rounded up, 1 per other entry. */
export function installedSizeKiB(root: string): number {
  let kib = 0;
  for (const rel of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (rel === 'DEBIAN' || rel.startsWith('DEBIAN/')) continue;
    const st = lstatSync(join(root, rel));
    kib += st.isFile() ? Math.ceil(st.size / 1024) : 1;
  }
  return kib;
}

/** DEBIAN/md5sums: one `md5  path` line per file, paths relative to the root. */
export function md5sums(root: string): string {
  const files = filesUnder(root).filter((f) => !relative(root, f).startsWith('DEBIAN/'));
  const out = execFileSync('md5sum', files.map((f) => relative(root, f)), { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  return out;
}

/** The bundled modules as `name version (license)`, for the copyright file. */
export function bundledModules(lib: string): string[] {
  const lock = JSON.parse(readFileSync(join(lib, 'node_modules', '.package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; license?: string }> };
  return Object.entries(lock.packages)
    .filter(([path]) => existsSync(join(lib, path)) && statSync(join(lib, path)).isDirectory())
    .map(([path, p]) => `${path.replace(/^.*node_modules\//, '')} ${p.version ?? '?'} (${p.license ?? 'see its package.json'})`)
    .sort();
}
