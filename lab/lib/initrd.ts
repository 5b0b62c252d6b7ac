import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeCpio, type CpioEntry } from './cpio.js';
import { moduleLoadOrder, type GuestKernel } from './kernel.js';

/** virtio-net-pci needs the PCI transport as well as the NIC driver (both modules in Debian's cloud kernel). */
export const DEFAULT_MODULES = ['virtio_pci', 'virtio_net'];

/** Every line the guest's /init prints for the harness to wait on starts with this. */
export const MARKER = 'rackboot-e2e:';

export interface InitrdOptions {
  busybox: string; // a statically linked busybox
  kernel: GuestKernel;
  /** NIC driver modules to load (with their dependencies); default: virtio-net-pci's. */
  modules?: string[];
  /**
   * URL the guest fetches with `wget` once it has its own lease, to tell the server it is
   * up. `rackboot.report=<url>` on the kernel command line overrides it. Empty: skip.
   */
  reportUrl?: string;
}

/**
 * /init: print node_id from the kernel command line, load the NIC driver, get an address
 * with udhcpc (the "OS lease" stage), report back over HTTP, print a done line, power off.
 * Every step prints one `rackboot-e2e:` line so a test can wait for it on the serial log.
 */
function initScript(reportUrl: string): string {
  return `#!/bin/sh
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
say() { echo "${MARKER} $*"; }
node_id=none
report='${reportUrl}'
for w in $(cat /proc/cmdline); do
  case "$w" in
    node_id=*) node_id="\${w#node_id=}" ;;
    rackboot.report=*) report="\${w#rackboot.report=}" ;;
  esac
done
say "init started uptime=$(cut -d' ' -f1 /proc/uptime)"
say "node_id=$node_id"
say "cmdline=$(cat /proc/cmdline)"
for m in $(cat /etc/modules-load); do
  insmod "/lib/modules/$m.ko" || say "insmod $m failed"
done
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i+1)); done
ip link set lo up
ip link set eth0 up
say "mac=$(cat /sys/class/net/eth0/address 2>/dev/null)"
ip=none
if udhcpc -i eth0 -f -q -n -t 6 -T 2 -x hostname:guest -s /etc/udhcpc.sh; then
  . /tmp/lease
  say "lease ip=$ip mask=$mask hostname=$hostname server=$serverid"
else
  say "lease failed"
fi
status=skipped
if [ -n "$report" ] && [ "$ip" != none ]; then
  status=failed
  for try in 1 2 3; do
    # Not wget -T: Debian bookworm's busybox-static 1.35.0 wget segfaults on it.
    if body=$(timeout 15 wget -q -O- "$report" 2>/tmp/wget.err); then status=ok; break; fi
    say "report try $try failed: $(tr '\\n' ' ' </tmp/wget.err | head -c 200)"
    sleep 1
  done
  say "report $status url=$report body=$(echo "$body" | head -c 200 | tr '\\n' ' ')"
fi
say "done node_id=$node_id ip=$ip report=$status uptime=$(cut -d' ' -f1 /proc/uptime)"
sync
poweroff -f
`;
}

/** udhcpc's hook (busybox passes the lease in the environment; $mask is the prefix length). */
const UDHCPC_SCRIPT = `#!/bin/sh
case "$1" in
  deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/\${mask:-24}" dev "$interface"
    if [ -n "$router" ]; then ip route add default via "\${router%% *}" dev "$interface"; fi
    printf 'ip=%s\\nmask=%s\\nhostname=%s\\nserverid=%s\\n' "$ip" "$mask" "$hostname" "$serverid" > /tmp/lease
    ;;
esac
exit 0
`;

/** Read a module file, decompressing .ko.xz/.ko.zst/.ko.gz (newer Debian kernels compress them). */
function readModule(path: string): Buffer {
  if (path.endsWith('.ko')) return readFileSync(path);
  const tool = path.endsWith('.xz') ? 'xz' : path.endsWith('.zst') ? 'zstd' : 'gzip';
  return execFileSync(tool, ['-dc', path], { maxBuffer: 64 << 20 });
}

/** The initrd as a gzip-compressed newc cpio archive. */
export function buildInitrd(opts: InitrdOptions): Buffer {
  if (opts.reportUrl && !/^[A-Za-z0-9:/?&=%._~+-]+$/.test(opts.reportUrl)) {
    throw new Error(`report URL ${JSON.stringify(opts.reportUrl)} has characters the shell script would mangle`);
  }
  const modules = moduleLoadOrder(opts.kernel.modulesDir, opts.modules ?? DEFAULT_MODULES);
  const entries: CpioEntry[] = [
    ...['bin', 'sbin', 'etc', 'dev', 'proc', 'sys', 'tmp', 'lib', 'lib/modules', 'usr', 'usr/bin', 'usr/sbin'].map(
      (path): CpioEntry => ({ kind: 'dir', path }),
    ),
    // The kernel opens /dev/console for /init before anything is mounted.
    { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'file', path: 'bin/busybox', data: readFileSync(opts.busybox), mode: 0o755 },
    { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
    { kind: 'file', path: 'init', data: Buffer.from(initScript(opts.reportUrl ?? '')), mode: 0o755 },
    { kind: 'file', path: 'etc/udhcpc.sh', data: Buffer.from(UDHCPC_SCRIPT), mode: 0o755 },
    { kind: 'file', path: 'etc/modules-load', data: Buffer.from(modules.map((m) => `${m.name}\n`).join('')) },
    ...modules.map(
      (m): CpioEntry => ({ kind: 'file', path: `lib/modules/${m.name}.ko`, data: readModule(join(opts.kernel.modulesDir, m.path)) }),
    ),
  ];
  return gzipSync(encodeCpio(entries), { level: 6 });
}

export function writeInitrd(file: string, opts: InitrdOptions): void {
  writeFileSync(file, buildInitrd(opts));
}
