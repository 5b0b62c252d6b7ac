import type { Command } from 'commander';
import { buildImage, type BuildResult } from '../images/build.js';
import { buildOptionsFromFlags, type BuildFlags } from '../images/flags.js';
import type { OnTree, Reporter } from '../images/types.js';
import { writeNodeInitrd } from '../node/initrd/index.js';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Image } from '../inventory/types.js';
import type { CliContext } from './context.js';
import { collect, inventoryOf, json, table, withJson } from './shared.js';

const kernelOf = (i: Image): string | null => (i.kernelVersion ? `${i.kernelVersion} (${i.kernelPath})` : null);

function show(i: Image): string {
  const rows: [string, unknown][] = [
    ['name', i.name],
    ['kind', i.kind],
    ['path', i.path],
    ['size', i.size],
    ['sha256', i.sha256],
    ['kernel', kernelOf(i) ?? (i.kind === 'rootfs' ? 'none in the image' : null)],
    ['added', i.addedAt],
  ];
  return rows.filter(([, v]) => v !== null).map(([k, v]) => `${`${k}:`.padEnd(8)} ${String(v)}`).join('\n');
}

function built(r: BuildResult): string {
  const was = r.replaced ? ` (replaces ${r.replaced.path}, kept${r.pruned.length ? `; removed ${r.pruned.join(', ')}` : ''})` : '';
  return `built image ${r.image.name} in ${r.seconds.toFixed(1)} s: ${r.image.path} ${r.image.size} bytes sha256 ${r.image.sha256}${was}\n${show(r.image)}`;
}

/**
 * rackboot's node initrd for the image's own kernel, made from the tree's modules while the
 * tree is at hand (docs/diskless.md). It is written beside the image under a temporary name
 * and put in place only when the build succeeded, with the new kernel: a failed or running
 * build never leaves a node with one kernel and another's modules. A kernel without
 * squashfs, loop or overlay support still gives an image, with a warning, and no initrd.
 */
function nodeInitrd(report: Reporter): { hook: OnTree; commit(dir: string): void; discard(dir: string): void } {
  const PENDING = '.initrd.gz.new';
  let built = false;
  return {
    hook: async (_tree, kernel, target) => {
      if (!kernel) return void report({ type: 'phase', phase: 'hook', detail: 'no kernel in the tree: no node initrd (profiles booting this image need --kernel and --initrd)' });
      try {
        const w = writeNodeInitrd(join(target.dir, PENDING), { modulesDir: kernel.modulesDir, kernelVersion: kernel.version });
        built = true;
        report({ type: 'phase', phase: 'hook', detail: `node initrd: ${w.bytes} bytes, kernel ${kernel.version}, ${w.modules.length} modules` });
      } catch (e) {
        report({ type: 'phase', phase: 'hook', detail: `warning: no node initrd for kernel ${kernel.version}: ${(e as Error).message}` });
      }
    },
    commit(dir) {
      if (built) renameSync(join(dir, PENDING), join(dir, 'initrd.gz'));
      // The previous build's initrd holds another kernel's modules: better none than a wrong one.
      else if (existsSync(join(dir, 'initrd.gz'))) rmSync(join(dir, 'initrd.gz'));
    },
    discard: (dir) => rmSync(join(dir, PENDING), { force: true }),
  };
}

/** `image build`: Ctrl-C stops the running tool; the build then removes its temporary files. */
async function build(ctx: CliContext, name: string, o: BuildFlags & { json?: boolean }): Promise<void> {
  const config = ctx.config();
  const { options, workDir } = buildOptionsFromFlags(name, o, config.dataDir);
  // A line per phase and per tool message (mmdebstrap's "I: …"); on a terminal mksquashfs adds its own bar.
  const report: Reporter = (e) => void process.stderr.write(e.type === 'phase' ? `${e.phase}: ${e.detail}\n` : `  ${e.line}\n`);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const deps = { images: inventoryOf(ctx).images, imagesDir: config.imagesDir, workDir, report, tty: process.stderr.isTTY === true };
    const initrd = nodeInitrd(report);
    const dir = join(config.imagesDir, name);
    let r: BuildResult;
    try {
      r = await buildImage({ ...options, onTree: initrd.hook, signal: abort.signal }, deps);
    } catch (e) {
      initrd.discard(dir);
      throw e;
    }
    initrd.commit(dir);
    ctx.out(o.json ? json(r.image) : built(r));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function registerImageCommands(program: Command, ctx: CliContext): void {
  const image = program.command('image').description('kernels, initrds, disk images and built root filesystems');

  image
    .command('add <name> <file>')
    .description('register a file (relative paths are under the images folder); records size and sha256')
    .option('--kind <kind>', 'kernel, initrd, disk or rootfs (default: guessed from the file name)')
    .action(async (name: string, file: string, o: { kind?: string }) => {
      const i = await inventoryOf(ctx).images.add(name, file, o.kind);
      ctx.out(`added image ${i.name} (${i.kind}) ${i.path} ${i.size} bytes sha256 ${i.sha256}`);
    });

  withJson(
    image
      .command('build <name>')
      .description('build a squashfs root filesystem image from one source and register it (docs/diskless.md)')
      .option('--from <dir>', 'a root filesystem folder (a chroot); read, never changed')
      .option('--from-tar <file>', 'a root filesystem tarball (.tar, .tar.gz, .tar.xz, .tar.zst; e.g. docker export)')
      .option('--debian <suite>', 'bootstrap Debian SUITE with mmdebstrap')
      .option('--packages <list>', 'with --debian: packages to add, comma-separated (systemd-sysv gives /sbin/init)')
      .option('--mirror <url>', 'with --debian: the Debian mirror (default http://deb.debian.org/debian)')
      .option('--variant <variant>', "with --debian: mmdebstrap's package set (default minbase)")
      .option('--cache <dir>', 'with --debian: where downloaded .debs are kept for the next build (default <dataDir>/cache/debs)')
      .option('--compression <c>', 'gzip, xz, zstd or lz4 (default zstd)')
      .option('--no-xattrs', 'leave extended attributes (and so file capabilities) out')
      .option('--keep-docs', 'keep /usr/share/doc (copyright files are always kept)')
      .option('--keep-man', 'keep man and info pages')
      .option('--keep-locales <list>', 'languages to keep besides C/POSIX, comma-separated (de,pt_BR), or "all"')
      .option('--keep-apt', "keep apt's package lists and caches")
      .option('--keep-initrd', "keep /boot/initrd.img-* (nodes boot rackboot's own initrd)")
      .option('--exclude <glob>', 'leave out paths matching GLOB (repeatable; without "/" it matches a name at any depth)', collect)
      .option('--work-dir <dir>', 'where temporary trees go (default <dataDir>/tmp)'),
  ).action((name: string, o: BuildFlags & { json?: boolean }) => build(ctx, name, o));

  withJson(image.command('list').description('list images')).action((o: { json?: boolean }) => {
    const list = inventoryOf(ctx).images.list();
    ctx.out(o.json ? json(list) : table(['NAME', 'KIND', 'SIZE', 'SHA256', 'KERNEL', 'PATH'], list.map((i) => [i.name, i.kind, i.size, i.sha256.slice(0, 16), i.kernelVersion, i.path])));
  });

  withJson(image.command('show <name>').description('one image')).action((name: string, o: { json?: boolean }) => {
    const i = inventoryOf(ctx).images.get(name);
    ctx.out(o.json ? json(i) : show(i));
  });

  image.command('rm <name>').description('forget an image (the file stays)').action((name: string) => {
    inventoryOf(ctx).images.remove(name);
    ctx.out(`removed image ${name}`);
  });
}
