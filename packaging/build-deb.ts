/**
 * `npm run package`: builds dist/package/rackboot_<version>_<arch>.deb from the built program
 * (run `npm run build` first; the npm script does). Usage:
 *   node dist/packaging/build-deb.js [--out DIR] [--keep]
 * --keep leaves the staging tree (printed) for inspection. packaging/README.md says what the
 * package holds and why.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { configReference } from '../src/config-reference.js';
import { packageRoot } from '../src/paths.js';
import { bundledModules, installedSizeKiB, md5sums, normalizeModes, shlibsDepends, stageProgram, stripNativeAddons } from './stage.js';

/** What the packaged config sets; every other key stays commented out with its default. */
export const PACKAGED_CONFIG = {
  dataDir: '/var/lib/rackboot',
  imagesDir: '/var/lib/rackboot/images',
  tftp: { bootDir: '/var/lib/rackboot/boot' },
};

const DEFAULT_MAINTAINER = 'rackboot developers <rackboot@example.org>';

function git(repo: string, args: string[]): string | null {
  try {
    return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/@([A-Z_]+)@/g, (m, k: string) => {
    if (!(k in values)) throw new Error(`packaging: no value for ${m}`);
    return values[k]!;
  });
}

function put(root: string, path: string, content: string | Buffer, mode = 0o644): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content, { mode });
}

function packagedConfig(version: string): string {
  return configReference(PACKAGED_CONFIG, [
    `rackboot ${version} configuration, read by rackboot.service and the rackboot command.`,
    'Every key is listed with its default and meaning; a key line starting with # is not set:',
    'delete the # to set it. `systemctl reload rackboot` re-reads this file.',
    '',
  ]);
}

export function buildDeb(opts: { out: string; keep?: boolean }): string {
  const repo = packageRoot();
  const src = join(repo, 'packaging', 'debian');
  const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;
  if (!existsSync(join(repo, 'dist', 'src', 'main.js'))) throw new Error('packaging: dist/src/main.js missing: run `npm run build` first');
  const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
  const commitTime = git(repo, ['log', '-1', '--format=%ct']);
  const epoch = Number(process.env.SOURCE_DATE_EPOCH ?? commitTime ?? Math.floor(Date.now() / 1000));
  const date = new Date(epoch * 1000);
  const values: Record<string, string> = {
    VERSION: version,
    ARCH: arch,
    MAINTAINER: process.env.DEB_MAINTAINER ?? DEFAULT_MAINTAINER,
    DATE: date.toUTCString().replace('GMT', '+0000'),
    YEAR: String(date.getUTCFullYear()),
  };

  const stage = mkdtempSync(join(tmpdir(), 'rackboot-deb-'));
  const root = join(stage, 'root');
  try {
    const lib = join(root, 'usr', 'lib', 'rackboot');
    mkdirSync(lib, { recursive: true });
    stageProgram(repo, lib);
    chmodSync(join(lib, 'dist', 'src', 'main.js'), 0o755); // package.json's bin, with its #! line
    const shlibs = shlibsDepends(stripNativeAddons(lib));

    put(root, 'usr/bin/rackboot', readFileSync(join(src, 'rackboot.sh')), 0o755);
    put(root, 'etc/rackboot/rackboot.yaml', packagedConfig(version));
    put(root, 'lib/systemd/system/rackboot.service', readFileSync(join(src, 'rackboot.service')));
    const doc = 'usr/share/doc/rackboot';
    const bundled = bundledModules(lib).map((m) => ` ${m}`).join('\n');
    put(root, `${doc}/copyright`, fill(readFileSync(join(src, 'copyright'), 'utf8'), { ...values, BUNDLED: bundled }));
    // A version without a Debian revision makes a native package: its changelog is changelog.gz (Policy 12.7).
    put(root, `${doc}/changelog.gz`, gzipSync(fill(readFileSync(join(src, 'changelog'), 'utf8'), values), { level: 9 }));
    put(root, `${doc}/README.Debian`, readFileSync(join(repo, 'packaging', 'README.md')));
    put(root, 'usr/share/lintian/overrides/rackboot', readFileSync(join(src, 'lintian-overrides')));
    normalizeModes(root);

    const control = fill(readFileSync(join(src, 'control'), 'utf8'), { ...values, INSTALLED_SIZE: String(installedSizeKiB(root)), SHLIBS: shlibs });
    put(root, 'DEBIAN/control', control);
    put(root, 'DEBIAN/conffiles', readFileSync(join(src, 'conffiles')));
    for (const script of ['postinst', 'prerm', 'postrm']) put(root, `DEBIAN/${script}`, readFileSync(join(src, script)), 0o755);
    put(root, 'DEBIAN/md5sums', md5sums(root));

    mkdirSync(opts.out, { recursive: true });
    const deb = join(opts.out, `rackboot_${version}_${arch}.deb`);
    execFileSync('dpkg-deb', ['--build', '--root-owner-group', root, deb], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) },
    });
    return deb;
  } finally {
    if (opts.keep) process.stderr.write(`packaging: staging tree kept in ${root}\n`);
    else rmSync(stage, { recursive: true, force: true });
  }
}

function main(argv: string[]): void {
  let out = join(packageRoot(), 'dist', 'package');
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) out = resolve(argv[++i]!);
    else if (argv[i] === '--keep') keep = true;
    else throw new Error(`usage: build-deb [--out DIR] [--keep] (unknown argument ${argv[i]})`);
  }
  const deb = buildDeb({ out, keep });
  process.stdout.write(`${deb} (${(statSync(deb).size / 1048576).toFixed(1)} MiB)\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
