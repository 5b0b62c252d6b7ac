import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compareVersions } from '../../src/node/initrd/modules.js';
import { PrerequisiteError } from './prereq.js';

/** A guest kernel from Debian's linux-image-cloud-amd64 and the modules built for it. */
export interface GuestKernel {
  version: string; // e.g. 6.1.0-56-cloud-amd64
  vmlinuz: string; // /boot/vmlinuz-<version>
  modulesDir: string; // /lib/modules/<version>
}

/**
 * Find the newest cloud kernel (small, and boots on QEMU's virtual hardware). Its modules
 * are needed too: the NIC driver (virtio_net) is a module in Debian's cloud flavour.
 */
export function findGuestKernel(bootDir = '/boot', modulesRoot = '/lib/modules'): GuestKernel {
  const versions = existsSync(bootDir)
    ? readdirSync(bootDir)
        .filter((f) => /^vmlinuz-.*-cloud-amd64$/.test(f))
        .map((f) => f.slice('vmlinuz-'.length))
        .filter((v) => existsSync(join(modulesRoot, v, 'modules.dep')))
        .sort(compareVersions)
    : [];
  const version = versions.at(-1);
  if (version === undefined) {
    throw new PrerequisiteError(
      `no guest kernel: need ${bootDir}/vmlinuz-*-cloud-amd64 with ${modulesRoot}/<version>/modules.dep`,
      ['linux-image-cloud-amd64'],
    );
  }
  return { version, vmlinuz: join(bootDir, `vmlinuz-${version}`), modulesDir: join(modulesRoot, version) };
}

// Module resolution moved to the product (the node initrd builder); re-exported for the lab and e2e.
export { moduleLoadOrder, type ModuleFile } from '../../src/node/initrd/modules.js';
