import { join } from 'node:path';
import type { Command } from 'commander';
import { NotFoundError, ValidationError } from '../errors.js';
import { kernelVersions } from '../node/initrd/modules.js';
import { pickImageKernel, withImageModules } from '../node/initrd/squashfs.js';
import { writeNodeInitrd, type WrittenInitrd } from '../node/initrd/write.js';
import type { CliContext } from './context.js';
import { inventoryOf } from './shared.js';

interface InitrdFlags {
  forImage?: string;
  kernelVersion?: string;
  modulesRoot: string;
  modules?: string;
  out?: string;
}

/** `--modules a,b`: names as modprobe spells them (dashes or underscores). */
function moduleList(value: string | undefined): string[] {
  const list = (value ?? '').split(',').map((m) => m.trim()).filter(Boolean);
  for (const m of list) if (!/^[A-Za-z0-9_-]+$/.test(m)) throw new ValidationError(`"${m}" is not a module name`, '--modules');
  return list;
}

const summary = (w: WrittenInitrd): string =>
  `wrote ${w.file} (${w.bytes} bytes, kernel ${w.kernelVersion}, modules: ${w.modules.map((m) => m.name).join(' ') || 'none, all built in'})`;

/** `rackboot initrd build`: rackboot's node initrd (stage 1, docs/diskless.md). */
export function registerInitrdCommands(program: Command, ctx: CliContext): void {
  const initrd = program.command('initrd').description("rackboot's node initrd (stage 1 of a diskless boot)");

  initrd
    .command('build')
    .description('build the node initrd: static busybox, udp-receiver, /init, and a kernel\'s NIC, squashfs, loop and overlay modules')
    .option('--for-image <name>', "take the modules from this image's own kernel (written to <imagesDir>/NAME/initrd.gz)")
    .option('--kernel-version <v>', 'the kernel whose modules to take (default: the newest)')
    .option('--modules-root <dir>', 'where kernels\' modules live, without --for-image', '/lib/modules')
    .option('--modules <a,b>', 'more modules that must be in the initrd (an absent one is an error)')
    .option('--out <file>', 'output file (default: in the images folder, see above)')
    .action((o: InitrdFlags) => {
      const modules = moduleList(o.modules);
      const imagesDir = ctx.config().imagesDir;
      if (o.forImage) {
        const images = inventoryOf(ctx).images;
        const row = images.get(o.forImage);
        const file = images.pathOf(row);
        // A built rootfs records its kernel; a hand-registered squashfs is looked into (the newest).
        const kernel = pickImageKernel(file, o.kernelVersion ?? row.kernelVersion ?? undefined);
        const out = o.out ?? join(imagesDir, row.name, 'initrd.gz');
        const w = withImageModules(file, kernel, (modulesDir) => writeNodeInitrd(out, { modulesDir, kernelVersion: kernel.version, modules }));
        ctx.out(summary(w));
        return;
      }
      const versions = kernelVersions(o.modulesRoot);
      const version = o.kernelVersion ?? versions.at(-1);
      if (!version || !versions.includes(version)) {
        throw new NotFoundError(`no ${version ? `${o.modulesRoot}/${version}` : `kernel under ${o.modulesRoot}`} with a modules.dep (found: ${versions.join(', ') || 'none'})`);
      }
      const out = o.out ?? join(imagesDir, `rackboot-initrd-${version}.gz`);
      ctx.out(summary(writeNodeInitrd(out, { modulesDir: join(o.modulesRoot, version), kernelVersion: version, modules })));
    });
}
