import { describe, expect, it } from 'vitest';
import { buildOptionsFromFlags } from '../../../src/images/flags.js';
import { checkDebianSource, mmdebstrapArgs, tarArgs } from '../../../src/images/sources.js';
import { mksquashfsArgs } from '../../../src/images/squashfs.js';

const deb = { kind: 'debian' as const, suite: 'bookworm', packages: ['systemd-sysv', 'iproute2'], mirror: 'http://deb.debian.org/debian', variant: 'minbase', cacheDir: '/var/lib/rb/cache/debs' };

describe('the tools’ command lines', () => {
  it('mmdebstrap: the documented cache pattern, Valid-Until off for snapshot mirrors, suite target mirror last', () => {
    expect(mmdebstrapArgs(deb, '/w/root')).toEqual([
      '--variant=minbase',
      '--include=systemd-sysv,iproute2',
      '--aptopt=Acquire::Check-Valid-Until "false"',
      '--skip=download/empty',
      '--skip=essential/unlink',
      '--setup-hook=mkdir -p "$1"/var/cache/apt/archives/',
      '--setup-hook=sync-in /var/lib/rb/cache/debs /var/cache/apt/archives/',
      '--customize-hook=sync-out /var/cache/apt/archives /var/lib/rb/cache/debs',
      `--customize-hook=find "$1"/var/cache/apt/archives -maxdepth 1 -name '*.deb' -delete`,
      'bookworm',
      '/w/root',
      'http://deb.debian.org/debian',
    ]);
  });

  it('refuses Debian inputs mmdebstrap would misread', () => {
    expect(() => checkDebianSource({ ...deb, suite: 'book worm' })).toThrow(/--debian: "book worm" is not a Debian suite/);
    expect(() => checkDebianSource({ ...deb, packages: ['vim;rm'] })).toThrow(/--packages/);
    expect(() => checkDebianSource({ ...deb, cacheDir: '/my cache' })).toThrow(/--cache: .*blanks/);
    expect(() => checkDebianSource({ ...deb, variant: 'tiny' })).toThrow(/--variant: "tiny" must be one of/);
    expect(() => checkDebianSource({ ...deb, mirror: 'deb.debian.org' })).toThrow(/--mirror/);
  });

  it('tar keeps numeric owners; mksquashfs stays on one file system, shows its bar only on a terminal, drops xattrs only when asked', () => {
    expect(tarArgs('/r.tar.zst', '/w/root')).toEqual(expect.arrayContaining(['-x', '-f', '/r.tar.zst', '-C', '/w/root', '--numeric-owner']));
    const o = { compression: 'zstd' as const, excludeFile: '/w/ef', xattrs: true, progress: true };
    expect(mksquashfsArgs('/t', '/o.tmp', o)).toEqual(['/t', '/o.tmp', '-noappend', '-comp', 'zstd', '-ef', '/w/ef', '-one-file-system', '-quiet']);
    expect(mksquashfsArgs('/t', '/o.tmp', { ...o, progress: false })).toContain('-no-progress');
    expect(mksquashfsArgs('/t', '/o.tmp', { ...o, compression: 'xz', xattrs: false })).toEqual(expect.arrayContaining(['-comp', 'xz', '-no-xattrs']));
  });
});

describe('build flags', () => {
  it('exactly one source; --debian options only with --debian; defaults under the data folder', () => {
    expect(() => buildOptionsFromFlags('n', {}, '/d')).toThrow(/give a source/);
    expect(() => buildOptionsFromFlags('n', { from: '/a', fromTar: '/b.tar' }, '/d')).toThrow(/give one source, not --from and --from-tar/);
    expect(() => buildOptionsFromFlags('n', { from: '/a', mirror: 'http://m' }, '/d')).toThrow(/--mirror applies only to --debian/);
    expect(() => buildOptionsFromFlags('n', { from: '/a', compression: 'bz2' }, '/d')).toThrow(/--compression/);
    expect(() => buildOptionsFromFlags('n', { from: '/a', keepLocales: 'de,../x' }, '/d')).toThrow(/--keep-locales/);
    const { options, workDir } = buildOptionsFromFlags('n', { debian: 'bookworm', packages: 'a, b', keepLocales: 'de,pt_BR', exclude: ['*.log'] }, '/d');
    expect(workDir).toBe('/d/tmp');
    expect(options).toMatchObject({
      source: { kind: 'debian', suite: 'bookworm', packages: ['a', 'b'], mirror: 'http://deb.debian.org/debian', variant: 'minbase', cacheDir: '/d/cache/debs' },
      compression: 'zstd',
      xattrs: true,
      reduce: { keepDocs: false, keepLocales: ['de', 'pt_BR'], exclude: ['*.log'] },
    });
  });
});
