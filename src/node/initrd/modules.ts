import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError, ValidationError } from '../../errors.js';

/**
 * NIC drivers the node initrd carries when the kernel has them (absent ones are skipped):
 * QEMU/KVM, Intel, Broadcom, Mellanox, Realtek, VMware and cloud NICs. A cluster whose NIC
 * is not here adds it with `--modules`.
 */
export const NIC_MODULES = [
  'virtio_pci', 'virtio_net', 'e1000', 'e1000e', 'igb', 'igc', 'ixgbe', 'ixgbevf', 'i40e', 'ice',
  'tg3', 'bnx2', 'bnx2x', 'bnxt_en', 'be2net', 'mlx4_en', 'mlx5_core', 'r8169', 'vmxnet3', 'ena', 'gve',
];

/** What /init needs to mount the image: a loop-mounted squashfs under an overlayfs. */
export const ROOT_MODULES = ['squashfs', 'loop', 'overlay'];

/** A module file and the name it is loaded as; `path` is relative to the modules dir. */
export interface ModuleFile {
  name: string; // virtio_net
  path: string; // kernel/drivers/net/virtio_net.ko (or .ko.xz, .ko.zst)
}

/** A kernel's modules as modules.dep and modules.builtin describe them. */
interface ModuleIndex {
  deps: Map<string, string[]>; // path -> dependency paths
  byName: Map<string, string>; // name -> path
  builtin: Set<string>;
}

function readIndex(modulesDir: string): ModuleIndex {
  const depFile = join(modulesDir, 'modules.dep');
  if (!existsSync(depFile)) throw new NotFoundError(`${depFile} is missing: not a kernel's modules folder (run depmod?)`);
  const deps = new Map<string, string[]>();
  const byName = new Map<string, string>();
  for (const line of readFileSync(depFile, 'utf8').split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const path = line.slice(0, colon).trim();
    deps.set(path, line.slice(colon + 1).trim().split(/\s+/).filter(Boolean));
    byName.set(moduleName(path), path);
  }
  const builtinFile = join(modulesDir, 'modules.builtin');
  const builtin = new Set(existsSync(builtinFile) ? readFileSync(builtinFile, 'utf8').split('\n').filter(Boolean).map(moduleName) : []);
  return { deps, byName, builtin };
}

/**
 * The modules to insmod, dependencies first, read from modules.dep. Modules built into the
 * kernel (modules.builtin) need no file. A `required` name found in neither is an error;
 * an `optional` one (the NIC list) is skipped silently.
 */
export function resolveModules(modulesDir: string, wanted: { required: string[]; optional?: string[] }): ModuleFile[] {
  const index = readIndex(modulesDir);
  const order: ModuleFile[] = [];
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const dep of index.deps.get(path) ?? []) visit(dep);
    order.push({ name: moduleName(path), path });
  };
  const missing: string[] = [];
  const want = (name: string, required: boolean): void => {
    const norm = name.replace(/-/g, '_');
    const path = index.byName.get(norm);
    if (path !== undefined) visit(path);
    else if (required && !index.builtin.has(norm)) missing.push(name);
  };
  for (const name of wanted.optional ?? []) want(name, false);
  for (const name of wanted.required) want(name, true);
  if (missing.length) throw new ValidationError(`kernel module(s) ${missing.join(', ')} neither in ${modulesDir}/modules.dep nor built in`, 'modules');
  return order;
}

/** Every name is required (the lab's test initrd: it knows exactly what QEMU gives it). */
export function moduleLoadOrder(modulesDir: string, wanted: string[]): ModuleFile[] {
  return resolveModules(modulesDir, { required: wanted });
}

/** Read a module file, decompressing .ko.xz/.ko.zst/.ko.gz: busybox insmod loads plain ELF only. */
export function readModule(path: string): Buffer {
  if (path.endsWith('.ko')) return readFileSync(path);
  const tool = path.endsWith('.xz') ? 'xz' : path.endsWith('.zst') ? 'zstd' : 'gzip';
  return execFileSync(tool, ['-dc', path], { maxBuffer: 256 << 20 });
}

export function moduleName(path: string): string {
  const file = path.split('/').at(-1) ?? path;
  return file.replace(/\.ko(\.(xz|gz|zst))?$/, '').replace(/-/g, '_');
}

/** Kernel versions under a modules root (those with a modules.dep), oldest first. */
export function kernelVersions(modulesRoot: string): string[] {
  if (!existsSync(modulesRoot)) return [];
  return readdirSync(modulesRoot)
    .filter((v) => existsSync(join(modulesRoot, v, 'modules.dep')))
    .sort(compareVersions);
}

/** Debian's order for kernel versions, enough for "6.1.0-18-amd64" > "6.1.0-9-amd64". */
export function compareVersions(a: string, b: string): number {
  const parts = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const d = /^\d/.test(x) && /^\d/.test(y) ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
