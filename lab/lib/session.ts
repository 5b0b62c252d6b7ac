import { copyFileSync, linkSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { makeWorkDir } from './bootfiles.js';
import { prepareGuestImages, type GuestImages } from './guest-images.js';
import { createLabNet, destroyLabNet, type LabNet } from './netns.js';
import { BOOT_FILES, checkPrerequisites } from './prereq.js';
import { Guest, type Firmware } from './qemu.js';
import { rackbootCli, startRackboot, writeLabConfig, type LabServerFiles, type LabServerOptions } from './rackboot.js';
import type { Service } from './service.js';

export interface SessionOptions extends Omit<LabServerOptions, 'net' | 'workDir' | 'pool'> {
  tag: string;
  subnet: string; // a.b.c of a private /24
  guests: number; // tap devices to create
  /**
   * The seed layout: pxelinux.0 copied to this path under the boot folder (e.g.
   * X86PC/linux/linux.0), and the guest kernel and initrd also placed beside it under
   * `<dir>/images/`, because pxelinux resolves a profile's relative `images/vmlinuz` against
   * its path prefix (and even a leading `/` only gives `X86PC/linux//images/vmlinuz`).
   */
  loaderCopy?: string;
  /**
   * UEFI guests: copy syslinux.efi and ldlinux.e64 to the boot folder root (rackboot's
   * TFTP serves Debian's BIOS modules in place, but not the efi64 ones, whose .c32 files
   * share names with the BIOS ones) and check OVMF is there.
   */
  efi?: boolean;
  /** Put the stock udp-receiver (package udpcast) in the guest initrd, for push tests. */
  udpReceiver?: boolean;
}

export interface GuestSpec {
  name: string;
  mac: string;
  firmware?: Firmware;
  timeoutMs?: number;
  memoryMb?: number; // default 256
}

/**
 * One lab run: work dir, private network, guest kernel + initrd in the images folder,
 * rackboot.yaml, and `rackboot serve` in the server namespace. `close()` undoes it all and
 * is safe to call twice (tests call it from afterAll, the lab from signal handlers too).
 */
export class LabSession {
  readonly guests: Guest[] = [];
  server: Service | undefined;
  private closed = false;

  private constructor(
    readonly opts: SessionOptions,
    readonly workDir: string,
    readonly net: LabNet,
    readonly files: LabServerFiles,
    readonly images: GuestImages,
  ) {}

  static async open(opts: SessionOptions): Promise<LabSession> {
    checkPrerequisites({
      root: true,
      tools: ['qemu-system-x86_64', 'ip'],
      files: ['pxelinux', 'ldlinux', 'busybox', 'pxeVirtioRom'],
    });
    const workDir = makeWorkDir(`rackboot-${opts.tag}`);
    let net: LabNet | undefined;
    try {
      net = createLabNet({ tag: opts.tag, subnet: opts.subnet, taps: opts.guests });
      const files = writeLabConfig({ ...opts, net, workDir, pool: { start: `${opts.subnet}.100`, end: `${opts.subnet}.150` } });
      const images = await prepareGuestImages(files.imagesDir, workDir, reportUrl(net, opts.httpPort), { udpReceiver: opts.udpReceiver });
      if (opts.efi) {
        checkPrerequisites({ files: ['ovmfCode', 'ovmfVars', 'syslinuxEfi', 'ldlinuxE64'] });
        copyFileSync(BOOT_FILES.syslinuxEfi.path, join(files.bootDir, 'syslinux.efi'));
        copyFileSync(BOOT_FILES.ldlinuxE64.path, join(files.bootDir, 'ldlinux.e64'));
      }
      if (opts.loaderCopy) {
        const dest = join(files.bootDir, opts.loaderCopy);
        mkdirSync(dirname(dest), { recursive: true });
        copyFileSync(BOOT_FILES.pxelinux.path, dest);
        const prefixedImages = join(dirname(dest), 'images');
        mkdirSync(prefixedImages, { recursive: true });
        for (const f of [images.vmlinuz, images.initrd]) linkOrCopy(f, join(prefixedImages, basename(f)));
      }
      return new LabSession(opts, workDir, net, files, images);
    } catch (e) {
      if (net) destroyLabNet(opts.tag);
      throw e;
    }
  }

  cli(...args: string[]): string {
    return rackbootCli(this.files.configFile, args);
  }

  async startServer(): Promise<Service> {
    this.server = await startRackboot(this.net, this.files.configFile, join(this.workDir, 'rackboot.log'));
    return this.server;
  }

  /** Power on a guest on the first tap no running guest holds. */
  boot(spec: GuestSpec): Guest {
    const held = new Set(this.guests.filter((g) => g.running).map((g) => g.opts.tap));
    const tap = this.net.taps.find((t) => !held.has(t));
    if (!tap) throw new Error(`no tap left for ${spec.name}: the session's ${this.net.taps.length} are all in use`);
    const g = new Guest({
      name: spec.name,
      mac: spec.mac,
      tap,
      netns: this.net.guestNs,
      serialLog: join(this.workDir, `${spec.name}.serial.log`),
      workDir: this.workDir,
      firmware: spec.firmware ?? 'bios',
      accel: this.images.accel,
      timeoutMs: spec.timeoutMs ?? 180_000,
      memoryMb: spec.memoryMb,
    });
    this.guests.push(g);
    return g;
  }

  /** Stop guests and the server, remove the network; the work dir is kept unless `removeWorkDir`. */
  async close(removeWorkDir: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.guests.map((g) => g.stop()));
    await this.server?.stop();
    destroyLabNet(this.opts.tag);
    if (removeWorkDir) rmSync(this.workDir, { recursive: true, force: true });
  }
}

/** A hard link (not a symlink: TFTP refuses links that leave their root), else a copy. */
function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** What the guest's initrd fetches once it has its own lease. */
export const reportUrl = (net: LabNet, httpPort: number): string => `http://${net.serverIp}:${httpPort}/report?stage=up`;
