import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOOT_FILES, kvmUsable } from './prereq.js';

export type Firmware = 'bios' | 'uefi';
export type Accel = 'kvm' | 'tcg';

export interface GuestOptions {
  name: string;
  mac: string;
  tap?: string; // a tap device that exists in `netns`; none: no NIC
  netns?: string; // run QEMU inside this network namespace (where the tap lives)
  serialLog: string; // the guest's ttyS0 goes to this file
  workDir: string; // for the UEFI variable store copy and the firmware debug log
  firmware?: Firmware;
  accel: Accel;
  memoryMb?: number;
  /** Kill QEMU after this long, whatever the guest is doing. */
  timeoutMs: number;
  /** Direct kernel boot (bypasses PXE) — only for checking an initrd on its own. */
  direct?: { kernel: string; initrd: string; append: string };
}

export interface GuestExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

let accelVerdict: Promise<Accel> | undefined;

/**
 * KVM if it really runs a guest here, else TCG (software emulation). /dev/kvm can exist
 * and open yet fail inside nested virtualisation ("KVM internal error … emulation
 * failure" with the guest hung), so the probe boots the guest kernel and initrd directly
 * under KVM and waits for /init's first line. RACKBOOT_E2E_ACCEL=kvm|tcg skips the probe.
 */
export function chooseAccel(probe: { kernel: string; initrd: string; workDir: string }): Promise<Accel> {
  const forced = process.env.RACKBOOT_E2E_ACCEL;
  if (forced === 'kvm' || forced === 'tcg') return Promise.resolve(forced);
  if (!kvmUsable()) return Promise.resolve('tcg');
  accelVerdict ??= (async () => {
    const g = new Guest({
      name: 'kvm-probe',
      mac: '52:54:00:ff:ff:ff',
      serialLog: join(probe.workDir, 'kvm-probe.serial.log'),
      workDir: probe.workDir,
      accel: 'kvm',
      timeoutMs: 15_000,
      direct: { kernel: probe.kernel, initrd: probe.initrd, append: 'console=ttyS0 panic=-1' },
    });
    try {
      await g.waitForLine(/rackboot-e2e: init started/, 15_000);
      return 'kvm' as const;
    } catch {
      return 'tcg' as const;
    } finally {
      await g.stop();
    }
  })();
  return accelVerdict;
}

export function qemuArgs(o: GuestOptions, accel: Accel): string[] {
  const args = [
    '-name', o.name,
    '-accel', accel,
    '-machine', o.firmware === 'uefi' ? 'q35' : 'pc',
    '-m', String(o.memoryMb ?? 256),
    '-smp', '1',
    '-nodefaults', '-display', 'none', '-vga', 'none', '-monitor', 'none',
    '-serial', `file:${o.serialLog}`,
    // SeaBIOS/OVMF debug output, kept beside the serial log for post-mortems.
    '-debugcon', `file:${join(o.workDir, `${o.name}.firmware.log`)}`, '-global', 'isa-debugcon.iobase=0x402',
    '-no-reboot',
  ];
  if (o.tap) {
    // virtio-net: its ROM (efi-virtio.rom from ipxe-qemu) carries both the BIOS and EFI iPXE.
    // bootindex: OVMF boots by the fw_cfg boot order, not by -boot order=n.
    args.push('-netdev', `tap,id=n0,ifname=${o.tap},script=no,downscript=no`, '-device', `virtio-net-pci,netdev=n0,mac=${o.mac},bootindex=1`);
  }
  if (o.firmware === 'uefi') {
    const vars = join(o.workDir, `${o.name}.OVMF_VARS.fd`);
    copyFileSync(BOOT_FILES.ovmfVars.path, vars);
    args.push(
      '-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${BOOT_FILES.ovmfCode.path}`,
      '-drive', `if=pflash,format=raw,unit=1,file=${vars}`,
    );
  }
  if (o.direct) args.push('-kernel', o.direct.kernel, '-initrd', o.direct.initrd, '-append', o.direct.append);
  else args.push('-boot', 'order=n');
  return args;
}

/** One QEMU guest whose serial console is captured to a file. */
export class Guest {
  readonly exited: Promise<GuestExit>;
  readonly accel: Accel;
  readonly startedAt = Date.now();
  private readonly proc: ChildProcess;
  private stderr = '';
  private done: GuestExit | undefined;

  constructor(readonly opts: GuestOptions) {
    this.accel = opts.accel;
    writeFileSync(opts.serialLog, '');
    const qemu = ['qemu-system-x86_64', ...qemuArgs(opts, this.accel)];
    const [cmd, ...args] = opts.netns ? ['ip', 'netns', 'exec', opts.netns, ...qemu] : qemu;
    this.proc = spawn(cmd!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.proc.kill('SIGKILL');
    }, opts.timeoutMs);
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        clearTimeout(timer);
        this.done = { code, signal, timedOut };
        resolve(this.done);
      });
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** QEMU has not exited yet. */
  get running(): boolean {
    return this.done === undefined;
  }

  /** What QEMU itself printed on stderr (bad options, tap errors). */
  get qemuErrors(): string {
    return this.stderr;
  }

  serial(): string {
    // The guest's tty turns \n into \r\n; callers see plain \n lines.
    return existsSync(this.opts.serialLog) ? readFileSync(this.opts.serialLog, 'latin1').replace(/\r/g, '') : '';
  }

  /**
   * Resolve with the first serial line matching `re`; reject when `timeoutMs` passes or
   * QEMU exits without printing it (the error carries the serial tail for the test log).
   */
  async waitForLine(re: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.serial().split('\n').find((l) => re.test(l));
      if (line !== undefined) return line;
      // A KVM emulation failure pauses the guest forever instead of exiting: give up at once.
      const kvmFailed = /KVM internal error/.test(this.stderr);
      if (this.done || kvmFailed || Date.now() > deadline) {
        const why = this.done ? `QEMU exited (${JSON.stringify(this.done)})` : kvmFailed ? 'KVM internal error' : `timed out after ${timeoutMs} ms`;
        throw new Error(`${this.opts.name}: no serial line matching ${re} — ${why}\n${this.describe()}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The last lines of serial output and QEMU's stderr, for failure messages. */
  describe(lines = 40): string {
    const tail = this.serial().split('\n').slice(-lines).join('\n');
    return `--- ${this.opts.name} serial (${this.opts.serialLog}), last ${lines} lines ---\n${tail}\n--- qemu stderr ---\n${this.stderr}`;
  }

  async stop(): Promise<GuestExit> {
    if (!this.done) this.proc.kill('SIGKILL');
    return this.exited;
  }
}
