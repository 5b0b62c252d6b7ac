import { findStaticBusybox } from '../../src/node/initrd/programs.js';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A missing tool or file, with the Debian packages that provide it. */
export class PrerequisiteError extends Error {
  constructor(
    message: string,
    readonly packages: string[],
  ) {
    super(packages.length ? `${message}\n  install with: apt-get install ${[...new Set(packages)].join(' ')}` : message);
    this.name = 'PrerequisiteError';
  }
}

/** Everything the lab and the e2e suite use from the host, and the package it comes from. */
export const BOOT_FILES = {
  pxelinux: { path: '/usr/lib/PXELINUX/pxelinux.0', pkg: 'pxelinux' },
  ldlinux: { path: '/usr/lib/syslinux/modules/bios/ldlinux.c32', pkg: 'syslinux-common' },
  busybox: { path: '/bin/busybox', pkg: 'busybox-static' },
  ovmfCode: { path: '/usr/share/OVMF/OVMF_CODE.fd', pkg: 'ovmf' },
  ovmfVars: { path: '/usr/share/OVMF/OVMF_VARS.fd', pkg: 'ovmf' },
  pxeVirtioRom: { path: '/usr/lib/ipxe/qemu/efi-virtio.rom', pkg: 'ipxe-qemu' },
  syslinuxEfi: { path: '/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi', pkg: 'syslinux-efi' },
  ldlinuxE64: { path: '/usr/lib/syslinux/modules/efi64/ldlinux.e64', pkg: 'syslinux-common' },
} as const;
export type BootFileName = keyof typeof BOOT_FILES;

export const TOOLS = {
  'qemu-system-x86_64': 'qemu-system-x86',
  ip: 'iproute2',
  dnsmasq: 'dnsmasq',
  'udp-receiver': 'udpcast',
} as const;
export type ToolName = keyof typeof TOOLS;

/** The full path of `tool` on PATH (plus the sbin directories root usually has), or undefined. */
export function which(tool: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const p = join(dir, tool);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface Needs {
  tools?: ToolName[];
  files?: BootFileName[];
  root?: boolean;
}

/**
 * Check everything at once and throw one PrerequisiteError naming every missing piece and
 * the single `apt-get install` line that fixes it. Busybox is looked up as /bin/busybox or
 * on PATH; the static build matters because the initrd has no libc.
 */
export function checkPrerequisites(needs: Needs): void {
  const missing: string[] = [];
  const packages: string[] = [];
  if (needs.root && process.getuid?.() !== 0) {
    throw new PrerequisiteError('the lab needs root (network namespaces, tap devices): run it with sudo', []);
  }
  for (const tool of needs.tools ?? []) {
    if (!which(tool)) {
      missing.push(`${tool} (not on PATH)`);
      packages.push(TOOLS[tool]);
    }
  }
  for (const name of needs.files ?? []) {
    const f = BOOT_FILES[name];
    if (name === 'busybox' ? !findBusybox() : !existsSync(f.path)) {
      missing.push(f.path);
      packages.push(f.pkg);
    }
  }
  if (missing.length) throw new PrerequisiteError(`missing: ${missing.join(', ')}`, packages);
}

/**
 * A statically linked busybox (busybox-static installs /bin/busybox). Debian's plain
 * `busybox` package installs a dynamically linked one at the same path, useless in an
 * initrd without libc, so the ELF program headers are checked for PT_INTERP.
 */
export function findBusybox(): string | undefined {
  try {
    return findStaticBusybox();
  } catch {
    return undefined;
  }
}

/** Whether /dev/kvm can be opened read-write (a device node that exists may still refuse). */
export function kvmUsable(): boolean {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
