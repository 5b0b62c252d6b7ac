import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeInitrd } from './initrd.js';
import { findGuestKernel, type GuestKernel } from './kernel.js';
import { checkPrerequisites, findBusybox, which } from './prereq.js';
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
 * `udpReceiver`: also put the stock udp-receiver (and its libraries) in the initrd.
 */
export async function prepareGuestImages(dir: string, workDir: string, reportUrl: string, opts: { udpReceiver?: boolean } = {}): Promise<GuestImages> {
  checkPrerequisites({ files: ['busybox'], tools: opts.udpReceiver ? ['udp-receiver'] : [] });
  const kernel = findGuestKernel();
  mkdirSync(dir, { recursive: true });
  const vmlinuz = join(dir, 'vmlinuz');
  const initrd = join(dir, 'initrd.gz');
  copyFileSync(kernel.vmlinuz, vmlinuz);
  writeInitrd(initrd, { busybox: findBusybox()!, kernel, reportUrl, udpReceiver: opts.udpReceiver ? which('udp-receiver') : undefined });
  const accel = await chooseAccel({ kernel: vmlinuz, initrd, workDir });
  return { kernel, vmlinuz, initrd, accel };
}
