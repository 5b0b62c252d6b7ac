import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { LabSession } from './session.js';

/**
 * A real Debian bookworm root for diskless guests: systemd as init, udev (systemd-networkd
 * leaves a link "pending" until udev has seen it, so without udev the network never comes
 * online), Debian's cloud kernel (small, boots on QEMU's virtual hardware; its modules go
 * into rackboot's node initrd) and iproute2. The packages mmdebstrap downloads are kept in `cacheDir()` (outside the
 * checkout, keyed by nothing: apt checks each .deb against the index), so a rebuild fetches
 * nothing that did not change.
 */
export const DEBIAN = { suite: 'bookworm', packages: ['systemd-sysv', 'udev', 'linux-image-cloud-amd64', 'iproute2'] };

/** Where downloads survive between runs: RACKBOOT_CACHE, else /var/cache/rackboot-lab. */
export const cacheDir = (): string => process.env.RACKBOOT_CACHE ?? '/var/cache/rackboot-lab';

/** The CLI arguments of `rackboot image build NAME --debian bookworm …` with the shared package cache. */
export const debianBuildArgs = (name: string): string[] => ['image', 'build', name, '--debian', DEBIAN.suite, '--packages', DEBIAN.packages.join(','), '--cache', join(cacheDir(), 'debs')];

/** Build the lab's Debian image; returns the CLI's output. */
export function buildDebianImage(s: LabSession, name: string): string {
  return s.cli(...debianBuildArgs(name));
}

/** Point the lab's config at an admin overlays folder and set the auto-push window; returns the folder. */
export function configureDiskless(s: LabSession, autoPush: { minReceivers: number; maxWait: number }): string {
  const overlaysDir = join(s.workDir, 'overlays');
  mkdirSync(overlaysDir, { recursive: true });
  const config = parse(readFileSync(s.files.configFile, 'utf8')) as Record<string, unknown>;
  config.overlaysDir = overlaysDir;
  config.multicast = { autoPush };
  writeFileSync(s.files.configFile, stringify(config));
  return overlaysDir;
}

/** The line the probe prints first; every probe line starts with it. */
export const PROBE = 'rackboot-probe:';

/**
 * An admin overlay (`probe`) whose unit runs once multi-user.target is reached and the
 * `up` report went out: it prints what a test or the lab wants to see on the serial
 * console (hostname, /proc/cmdline, what / is, /etc/kerrighed_nodes, the target's state),
 * then powers the node off.
 */
export function writeProbeOverlay(overlaysDir: string, opts: { poweroff: boolean }): void {
  const dir = join(overlaysDir, 'probe');
  mkdirSync(join(dir, 'etc/systemd/system/multi-user.target.wants'), { recursive: true });
  mkdirSync(join(dir, 'usr/local/sbin'), { recursive: true });
  writeFileSync(
    join(dir, 'etc/systemd/system/rackboot-probe.service'),
    [
      '[Unit]',
      'Description=print what the node booted into on the serial console',
      'After=multi-user.target rackboot-report.service',
      '',
      '[Service]',
      'Type=oneshot',
      'ExecStart=/usr/local/sbin/rackboot-probe',
      '',
      '[Install]',
      'WantedBy=multi-user.target',
      '',
    ].join('\n'),
  );
  symlinkSync('../rackboot-probe.service', join(dir, 'etc/systemd/system/multi-user.target.wants/rackboot-probe.service'));
  writeFileSync(
    join(dir, 'usr/local/sbin/rackboot-probe'),
    [
      '#!/bin/sh',
      'exec >/dev/ttyS0 2>&1',
      `p='${PROBE}'`,
      'echo "$p hostname=$(hostname)"',
      'echo "$p cmdline=$(cat /proc/cmdline)"',
      'echo "$p root=$(findmnt -n -o FSTYPE,OPTIONS /)"',
      'echo "$p multi-user.target=$(systemctl is-active multi-user.target)"',
      'echo "$p report=$(systemctl is-active rackboot-report.service)"',
      'echo "$p network=$(networkctl list --no-legend --no-pager 2>&1 | tr -s " " | tr "\\n" ";")"',
      'echo "$p kerrighed_nodes begin"',
      'sed "s/^/$p | /" /etc/kerrighed_nodes',
      'echo "$p kerrighed_nodes end"',
      opts.poweroff ? 'echo "$p powering off"; systemctl --no-block poweroff' : 'echo "$p done"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
}

/** The probe's kerrighed_nodes lines, as the node printed them (console lines between them ignored). */
export function probedKerrighedNodes(serial: string): string {
  const mark = `${PROBE} | `;
  const lines = serial.split('\n').filter((l) => l.startsWith(mark)).map((l) => l.slice(mark.length));
  return lines.length ? `${lines.join('\n')}\n` : '';
}
