import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError } from '../../errors.js';

/**
 * A statically linked busybox (Debian's busybox-static installs /bin/busybox). The plain
 * `busybox` package installs a dynamically linked one at the same path, useless in an
 * initrd that carries no libc for it, so the ELF program headers are checked.
 */
export function findStaticBusybox(candidates = ['/bin/busybox', '/usr/bin/busybox']): string {
  for (const p of candidates) if (existsSync(p) && isStaticElf(p)) return p;
  throw new NotFoundError(`no statically linked busybox at ${candidates.join(' or ')}: install the Debian package busybox-static`);
}

/** A busybox given by path must be static too: the initrd's /bin/sh is this binary. */
export function checkStaticBusybox(path: string): string {
  if (!existsSync(path)) throw new NotFoundError(`no busybox at ${path}: install the Debian package busybox-static`);
  if (!isStaticElf(path)) throw new NotFoundError(`${path} is not a statically linked ELF64 busybox: install the Debian package busybox-static`);
  return path;
}

/** The stock udp-receiver (package udpcast); it is dynamically linked, so its libraries come along. */
export function findUdpReceiver(dirs = ['/usr/bin', '/usr/sbin', '/bin', '/sbin', '/usr/local/bin']): string {
  for (const dir of dirs) {
    const p = join(dir, 'udp-receiver');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  throw new NotFoundError(`no udp-receiver in ${dirs.join(', ')}: install the Debian package udpcast`);
}

/** ELF64 without a PT_INTERP program header: runs without a dynamic loader. */
export function isStaticElf(path: string): boolean {
  const elf = readFileSync(path);
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2) return false;
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const phentsize = elf.readUInt16LE(0x36);
  const phnum = elf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const off = phoff + i * phentsize;
    if (off + 4 > elf.length) return false;
    if (elf.readUInt32LE(off) === 3) return false; // PT_INTERP
  }
  return true;
}
