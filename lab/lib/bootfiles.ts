import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOOT_FILES } from './prereq.js';

/**
 * A world-readable work directory (mkdtemp makes 0700; servers that drop privileges, such
 * as dnsmasq's TFTP, must read it).
 */
export function makeWorkDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  chmodSync(dir, 0o755);
  return dir;
}

/** `01-aa-bb-cc-dd-ee-ff`: the per-MAC name pxelinux tries first (ARP type 1, dashes). */
export const pxelinuxMacName = (mac: string): string => `01-${mac.toLowerCase().replace(/:/g, '-')}`;

/**
 * Copy pxelinux.0 and ldlinux.c32 into `<root>/<prefix>`. pxelinux loads ldlinux.c32 and
 * looks for pxelinux.cfg/ in the directory it was itself loaded from (or the pathprefix
 * option 210), so both go under the same prefix.
 */
export function stageLoader(root: string, prefix = '', loaderName = 'pxelinux.0'): void {
  const dir = join(root, prefix);
  mkdirSync(join(dir, 'pxelinux.cfg'), { recursive: true });
  copyFileSync(BOOT_FILES.pxelinux.path, join(dir, loaderName));
  copyFileSync(BOOT_FILES.ldlinux.path, join(dir, 'ldlinux.c32'));
}

export interface PxelinuxEntry {
  kernel: string; // path as the loader requests it
  initrd: string;
  append: string;
}

/** A one-label pxelinux.cfg that boots at once and mirrors pxelinux's own output on ttyS0. */
export function pxelinuxConfig(e: PxelinuxEntry): string {
  for (const v of Object.values(e)) if (/[\r\n]/.test(v)) throw new Error('pxelinux.cfg value contains a newline');
  return ['SERIAL 0 115200', 'DEFAULT linux', 'PROMPT 0', 'TIMEOUT 0', 'LABEL linux', `  KERNEL ${e.kernel}`, `  INITRD ${e.initrd}`, `  APPEND ${e.append}`, ''].join('\n');
}

export function writePxelinuxConfig(root: string, prefix: string, mac: string, e: PxelinuxEntry): void {
  writeFileSync(join(root, prefix, 'pxelinux.cfg', pxelinuxMacName(mac)), pxelinuxConfig(e));
}
