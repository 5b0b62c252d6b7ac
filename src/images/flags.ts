import { join, resolve } from 'node:path';
import { ValidationError } from '../errors.js';
import { DEFAULT_REDUCE, globToRegExp } from './reduce.js';
import { DEFAULT_MIRROR, DEFAULT_VARIANT } from './sources.js';
import { COMPRESSIONS, type BuildOptions, type BuildSource, type Compression } from './types.js';

/** `rackboot image build` flags as commander gives them. */
export interface BuildFlags {
  from?: string;
  fromTar?: string;
  debian?: string;
  packages?: string;
  mirror?: string;
  variant?: string;
  cache?: string;
  compression?: string;
  xattrs?: boolean; // false with --no-xattrs
  keepDocs?: boolean;
  keepMan?: boolean;
  keepLocales?: string;
  keepApt?: boolean;
  keepInitrd?: boolean;
  exclude?: string[];
  workDir?: string;
}

const list = (s: string | undefined): string[] => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);

/** Flags → build options, refusing ambiguous or mismatched combinations with the flag to fix. */
export function buildOptionsFromFlags(name: string, f: BuildFlags, dataDir: string): { options: Omit<BuildOptions, 'onTree' | 'signal'>; workDir: string } {
  const given = [f.from && '--from', f.fromTar && '--from-tar', f.debian && '--debian'].filter(Boolean);
  if (given.length !== 1) {
    throw new ValidationError(given.length ? `give one source, not ${given.join(' and ')}` : 'give a source: --from DIR, --from-tar FILE or --debian SUITE', 'source');
  }
  const debianOnly = (['packages', 'mirror', 'variant', 'cache'] as const).find((k) => f[k] !== undefined);
  if (!f.debian && debianOnly) throw new ValidationError(`--${debianOnly} applies only to --debian`, `--${debianOnly}`);
  let source: BuildSource;
  if (f.from) source = { kind: 'dir', dir: resolve(f.from) };
  else if (f.fromTar) source = { kind: 'tar', file: resolve(f.fromTar) };
  else {
    source = {
      kind: 'debian',
      suite: f.debian!,
      packages: list(f.packages),
      mirror: f.mirror ?? DEFAULT_MIRROR,
      variant: f.variant ?? DEFAULT_VARIANT,
      cacheDir: resolve(f.cache ?? join(dataDir, 'cache', 'debs')),
    };
  }
  const compression = (f.compression ?? 'zstd') as Compression;
  if (!COMPRESSIONS.includes(compression)) throw new ValidationError(`"${f.compression}" must be one of ${COMPRESSIONS.join(', ')}`, '--compression');
  const locales = f.keepLocales === 'all' ? 'all' : list(f.keepLocales);
  const bad = locales === 'all' ? undefined : locales.find((l) => !/^[A-Za-z]{2,3}(_[A-Za-z]{2})?([.@][\w.@-]+)?$/.test(l));
  if (bad !== undefined) throw new ValidationError(`"${bad}" is not a locale name (de, pt_BR, sr@latin) or "all"`, '--keep-locales');
  (f.exclude ?? []).forEach(globToRegExp); // a bad glob fails now, not after mmdebstrap
  return {
    options: {
      name,
      source,
      compression,
      xattrs: f.xattrs !== false,
      reduce: {
        ...DEFAULT_REDUCE,
        keepDocs: !!f.keepDocs,
        keepMan: !!f.keepMan,
        keepLocales: locales,
        keepApt: !!f.keepApt,
        keepInitrd: !!f.keepInitrd,
        exclude: f.exclude ?? [],
      },
    },
    workDir: resolve(f.workDir ?? join(dataDir, 'tmp')),
  };
}
