import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REDUCE, excludeFileText, globToRegExp, planExclusions, type ReduceOptions, type TreeEntry } from '../../../src/images/reduce.js';

const d = (path: string): TreeEntry => ({ path, type: 'dir', size: 0 });
const f = (path: string, size = 10): TreeEntry => ({ path, type: 'file', size });
const l = (path: string): TreeEntry => ({ path, type: 'link', size: 0 });

/** A Debian-shaped tree: one of everything the reduction looks at, and things it must not touch. */
const TREE: TreeEntry[] = [
  d('usr'), d('usr/share'), d('usr/share/doc'), d('usr/share/doc/bash'), f('usr/share/doc/bash/copyright', 1), f('usr/share/doc/bash/README', 100),
  d('usr/share/doc/bash/examples'), f('usr/share/doc/bash/examples/a.sh', 50), l('usr/share/doc/libfoo1'), f('usr/share/doc/stray.txt', 7),
  d('usr/share/doc-base'), f('usr/share/doc-base/bash', 3),
  d('usr/share/man'), d('usr/share/man/man1'), f('usr/share/man/man1/ls.1.gz', 200), d('usr/share/info'), f('usr/share/info/dir', 4),
  d('usr/share/locale'), f('usr/share/locale/locale.alias', 5), d('usr/share/locale/de'), f('usr/share/locale/de/LC_MESSAGES/x.mo', 30),
  d('usr/share/locale/de_AT'), d('usr/share/locale/fr'), f('usr/share/locale/fr/LC_MESSAGES/x.mo', 40), d('usr/share/locale/C'),
  d('usr/lib'), d('usr/lib/locale'), d('usr/lib/locale/C.utf8'), f('usr/lib/locale/C.utf8/LC_CTYPE', 9), d('usr/lib/locale/de_DE.utf8'),
  d('var'), d('var/lib/apt/lists'), d('var/lib/apt/lists/partial'), f('var/lib/apt/lists/lock', 0), f('var/lib/apt/lists/deb_Packages', 1000),
  d('var/cache/apt'), d('var/cache/apt/archives'), d('var/cache/apt/archives/partial'), f('var/cache/apt/archives/x.deb', 500), f('var/cache/apt/pkgcache.bin', 600),
  d('boot'), f('boot/vmlinuz-6.1.0-18-amd64', 8000), f('boot/initrd.img-6.1.0-18-amd64', 9000), f('boot/config-6.1.0-18-amd64', 11),
  d('etc'), f('etc/passwd', 12), d('var/log'), f('var/log/dpkg.log', 70), d('var/log/apt'), f('var/log/apt/history.log', 80),
];

const plan = (o: Partial<ReduceOptions> = {}) => planExclusions(TREE, { ...DEFAULT_REDUCE, ...o });

describe('planExclusions (pure)', () => {
  it('by default leaves out docs (not copyright), man/info, locales but C and locale.alias, apt files, the initrd', () => {
    const p = plan();
    expect(p.paths).toEqual([
      'boot/initrd.img-6.1.0-18-amd64',
      'usr/lib/locale/de_DE.utf8',
      'usr/share/doc-base/bash',
      'usr/share/doc/bash/README',
      'usr/share/doc/bash/examples',
      'usr/share/doc/stray.txt',
      'usr/share/info/dir',
      'usr/share/locale/de',
      'usr/share/locale/de_AT',
      'usr/share/locale/fr',
      'usr/share/man/man1',
      'var/cache/apt/archives/x.deb',
      'var/cache/apt/pkgcache.bin',
      'var/lib/apt/lists/deb_Packages',
      'var/lib/apt/lists/lock',
    ]);
    expect(p.byClass).toEqual({ docs: 100 + 50 + 7 + 3, man: 204, locales: 70, apt: 2100, initrd: 9000 });
    expect(p.bytes).toBe(160 + 204 + 70 + 2100 + 9000);
  });

  it('each --keep-* keeps its class; --keep-locales keeps a language with its regional variants', () => {
    expect(plan({ keepDocs: true }).byClass.docs).toBeUndefined();
    expect(plan({ keepMan: true }).byClass.man).toBeUndefined();
    expect(plan({ keepApt: true }).byClass.apt).toBeUndefined();
    expect(plan({ keepInitrd: true }).paths).not.toContain('boot/initrd.img-6.1.0-18-amd64');
    expect(plan({ keepLocales: 'all' }).byClass.locales).toBeUndefined();
    const de = plan({ keepLocales: ['de'] }).paths.filter((p) => p.includes('locale'));
    expect(de).toEqual(['usr/share/locale/fr']);
  });

  it('--exclude globs: a name anywhere, or a path from the root; a matched folder is one entry', () => {
    const p = plan({ exclude: ['*.log', 'var/log/apt'] });
    expect(p.paths).toContain('var/log/dpkg.log');
    expect(p.paths).toContain('var/log/apt');
    expect(p.paths).not.toContain('var/log/apt/history.log');
    expect(p.byClass.exclude).toBe(150);
    expect(plan({ exclude: ['/boot/config-*'] }).paths).toContain('boot/config-6.1.0-18-amd64');
  });

  it('a name with a newline cannot go in an exclude file: it is kept and reported', () => {
    const p = planExclusions([d('var'), d('var/log'), f('var/log/a\nb.log', 5)], { ...DEFAULT_REDUCE, exclude: ['*.log'] });
    expect(p).toEqual({ paths: [], bytes: 0, byClass: {}, kept: ['var/log/a\nb.log'] });
  });
});

describe('globToRegExp', () => {
  it.each([
    ['*.log', 'var/log/x.log', true],
    ['*.log', 'x.log', true],
    ['var/*.log', 'var/log/x.log', false],
    ['var/**/*.log', 'var/log/apt/x.log', true],
    ['var/**/*.log', 'var/x.log', true],
    ['usr/share/?oc', 'usr/share/doc', true],
    ['usr/[a-c]*', 'usr/bin', true],
    ['usr/[!a-c]*', 'usr/bin', false],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
  ])('%s ~ %s → %s', (glob, path, match) => {
    expect(globToRegExp(glob).test(path)).toBe(match);
  });

  it('refuses an empty glob', () => {
    expect(() => globToRegExp('/')).toThrow(/not a usable glob/);
  });
});

describe('excludeFileText', () => {
  it('escapes what mksquashfs would read as a comment, blank or escape; real mksquashfs agrees', () => {
    const names = ['#hash', ' lead', '\\back', 'plain', 'dir/#inner'];
    expect(excludeFileText(names)).toBe('\\#hash\n\\ lead\n\\\\back\nplain\ndir/#inner\n');
    const dir = mkdtempSync(join(tmpdir(), 'rb-ef-'));
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'dir'), { recursive: true });
    for (const n of [...names, 'keep']) writeFileSync(join(tree, n), n);
    writeFileSync(join(dir, 'ef'), excludeFileText(names));
    expect(spawnSync('mksquashfs', [tree, join(dir, 'sq'), '-noappend', '-quiet', '-no-progress', '-ef', join(dir, 'ef')]).status).toBe(0);
    const listed = spawnSync('unsquashfs', ['-l', '-d', '', join(dir, 'sq')], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    expect(listed).toEqual(['/dir', '/keep']);
  });
});
