import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { initrdDir } from '../../paths.js';
import { encodeCpio, type CpioEntry } from '../cpio.js';
import { dynamicProgramEntries } from './dynlibs.js';
import { NIC_MODULES, readModule, resolveModules, ROOT_MODULES, type ModuleFile } from './modules.js';
import { checkStaticBusybox, findStaticBusybox, findUdpReceiver } from './programs.js';

export interface NodeInitrdOptions {
  /** A kernel's modules folder, lib/modules/<version> (the host's or an unpacked image's). */
  modulesDir: string;
  /** Written to /etc/rackboot/kernel so /init can warn when it boots under another kernel. */
  kernelVersion: string;
  /** Extra modules that must be there (module or built in), e.g. a NIC driver not in NIC_MODULES. */
  modules?: string[];
  /** The NIC drivers taken when present; default NIC_MODULES. */
  nicModules?: string[];
  busybox?: string; // default: the static one from busybox-static
  udpReceiver?: string; // default: udp-receiver on the usual paths (udpcast)
  shellDir?: string; // default: the repo's initrd/ folder
}

/** Where /init finds what the builder wrote (initrd/init reads these paths). */
export const MODULE_LIST = 'etc/rackboot/modules';
export const KERNEL_FILE = 'etc/rackboot/kernel';

const DIRS = ['bin', 'sbin', 'etc', 'etc/rackboot', 'dev', 'proc', 'sys', 'run', 'tmp', 'newroot', 'lib', 'lib/modules', 'usr', 'usr/bin', 'usr/sbin'];

export interface NodeInitrd {
  archive: Buffer; // gzip-compressed newc cpio
  modules: ModuleFile[]; // in load order
}

/**
 * rackboot's node initrd (stage 1, docs/diskless.md): the static busybox, the stock
 * udp-receiver with its libraries, the kernel modules in load order, and the shell files
 * of initrd/ as they are. Same inputs, same bytes: entries are sorted and the cpio writer
 * fixes every mtime to 0.
 */
export function buildNodeInitrd(opts: NodeInitrdOptions): Buffer {
  return assembleNodeInitrd(opts).archive;
}

/** buildNodeInitrd, with the modules it took (the CLI prints them). */
export function assembleNodeInitrd(opts: NodeInitrdOptions): NodeInitrd {
  const busybox = opts.busybox ? checkStaticBusybox(opts.busybox) : findStaticBusybox();
  const udpReceiver = opts.udpReceiver ?? findUdpReceiver();
  const modules = resolveModules(opts.modulesDir, {
    optional: opts.nicModules ?? NIC_MODULES,
    required: [...ROOT_MODULES, ...(opts.modules ?? [])],
  });
  const shell = shellEntries(opts.shellDir ?? initrdDir()).filter((e) => !(e.kind === 'dir' && DIRS.includes(e.path)));
  const have = new Set([...DIRS, ...shell.filter((e) => e.kind === 'dir').map((e) => e.path)]);
  const entries: CpioEntry[] = [
    ...DIRS.map((path): CpioEntry => ({ kind: 'dir', path })),
    // The kernel opens /dev/console for /init before anything is mounted.
    { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'file', path: 'bin/busybox', data: readFileSync(busybox), mode: 0o755 },
    { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
    ...shell,
    { kind: 'file', path: MODULE_LIST, data: Buffer.from(modules.map((m) => `${m.name}\n`).join('')) },
    { kind: 'file', path: KERNEL_FILE, data: Buffer.from(`${opts.kernelVersion}\n`) },
    ...modules.map((m): CpioEntry => ({ kind: 'file', path: `lib/modules/${m.name}.ko`, data: readModule(join(opts.modulesDir, m.path)) })),
    ...dynamicProgramEntries(udpReceiver, 'usr/bin/udp-receiver', have),
  ];
  return { archive: gzipSync(encodeCpio(entries), { level: 9 }), modules };
}

/**
 * initrd/ as cpio entries, parents first, names sorted. `init` and `*.sh` are executable
 * whatever the checkout's modes (udhcpc runs its hook directly).
 */
function shellEntries(root: string, rel = ''): CpioEntry[] {
  const out: CpioEntry[] = [];
  for (const name of readdirSync(join(root, rel)).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    const st = statSync(join(root, path));
    if (st.isDirectory()) {
      out.push({ kind: 'dir', path }, ...shellEntries(root, path));
    } else if (st.isFile()) {
      const exec = path === 'init' || name.endsWith('.sh') || (st.mode & 0o111) !== 0;
      out.push({ kind: 'file', path, data: readFileSync(join(root, path)), mode: exec ? 0o755 : 0o644 });
    }
  }
  return out;
}
