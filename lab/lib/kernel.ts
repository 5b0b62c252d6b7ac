import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A module file and the name insmod-order needs; `path` is relative to the modules dir. */
export interface ModuleFile {
  name: string; // virtio_net
  path: string; // kernel/drivers/net/virtio_net.ko
}

/**
 * The modules to insmod, dependencies first, for `wanted` (module names such as
 * virtio_net), read from modules.dep. Modules built into the kernel (modules.builtin)
 * are skipped; a name found in neither is an error.
 */
export function moduleLoadOrder(modulesDir: string, wanted: string[]): ModuleFile[] {
  const deps = new Map<string, string[]>(); // path -> dependency paths
  const byName = new Map<string, string>(); // name -> path
  for (const line of readFileSync(join(modulesDir, 'modules.dep'), 'utf8').split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const path = line.slice(0, colon).trim();
    deps.set(path, line.slice(colon + 1).trim().split(/\s+/).filter(Boolean));
    byName.set(moduleName(path), path);
  }
  const builtin = new Set(
    existsSync(join(modulesDir, 'modules.builtin'))
      ? readFileSync(join(modulesDir, 'modules.builtin'), 'utf8').split('\n').filter(Boolean).map(moduleName)
      : [],
  );
  const order: ModuleFile[] = [];
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const dep of deps.get(path) ?? []) visit(dep);
    order.push({ name: moduleName(path), path });
  };
  for (const name of wanted) {
    const norm = name.replace(/-/g, '_');
    const path = byName.get(norm);
    if (path !== undefined) visit(path);
    else if (!builtin.has(norm)) throw new Error(`kernel module ${name} not found in ${modulesDir}`);
  }
  return order;
}

function moduleName(path: string): string {
  const file = path.split('/').at(-1) ?? path;
  return file.replace(/\.ko(\.(xz|gz|zst))?$/, '').replace(/-/g, '_');
}
