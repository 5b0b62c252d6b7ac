import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeInitrd } from './initrd.js';
import { findGuestKernel, type GuestKernel } from './kernel.js';
import { checkPrerequisites, findBusybox } from './prereq.js';
import { chooseAccel, type Accel } from './qemu.js';

export interface GuestImages {
  kernel: GuestKernel;
  vmlinuz: string; // the copy under `dir`
  initrd: string; // built under `dir`
  accel: Accel; // kvm when it really works here, else tcg
}

/**
 * Put a guest kernel (Debian cloud kernel) and a freshly built busybox initrd under `dir`
 * as `vmlinuz` and `initrd.gz`, and decide KVM or TCG by booting them once directly.
 */
export async function prepareGuestImages(dir: string, workDir: string, reportUrl: string): Promise<GuestImages> {
  checkPrerequisites({ files: ['busybox'] });
  const kernel = findGuestKernel();
  mkdirSync(dir, { recursive: true });
  const vmlinuz = join(dir, 'vmlinuz');
  const initrd = join(dir, 'initrd.gz');
  copyFileSync(kernel.vmlinuz, vmlinuz);
  writeInitrd(initrd, { busybox: findBusybox()!, kernel, reportUrl });
  const accel = await chooseAccel({ kernel: vmlinuz, initrd, workDir });
  return { kernel, vmlinuz, initrd, accel };
}
