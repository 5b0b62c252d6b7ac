import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeCpio, type CpioEntry } from '../../src/node/cpio.js';
import { dynamicProgramEntries } from '../../src/node/initrd/dynlibs.js';
import { moduleLoadOrder, readModule } from '../../src/node/initrd/modules.js';
import type { GuestKernel } from './kernel.js';

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
  /**
   * A dynamically linked `udp-receiver` (Debian package udpcast) to put at
   * /usr/bin/udp-receiver with the libraries `ldd` lists. /init runs it when the kernel
   * command line carries `rackboot.image=` (a profile with a push image). Unset: /init
   * prints `push failed: no udp-receiver in this initrd` for such a command line.
   */
  udpReceiver?: string;
}

/** The line /init prints after a push: `RACKBOOT-PUSH ok <sha256> bytes=N` or `RACKBOOT-PUSH bad …`. */
export const PUSH_MARKER = 'RACKBOOT-PUSH';

/**
 * /init: print node_id from the kernel command line, load the NIC driver, get an address
 * with udhcpc (the "OS lease" stage), receive the pushed image when the command line names
 * one (`rackboot.image=`, `rackboot.sha256=`, `rackboot.portbase=`: the stock udp-receiver,
 * then sha256sum), report back over HTTP, print a done line, power off.
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
image=
want=
portbase=9000
for w in $(cat /proc/cmdline); do
  case "$w" in
    node_id=*) node_id="\${w#node_id=}" ;;
    rackboot.report=*) report="\${w#rackboot.report=}" ;;
    rackboot.image=*) image="\${w#rackboot.image=}" ;;
    rackboot.sha256=*) want="\${w#rackboot.sha256=}" ;;
    rackboot.portbase=*) portbase="\${w#rackboot.portbase=}" ;;
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
push=
if [ -n "$image" ]; then
  push=bad
  if [ "$ip" = none ]; then
    say "push failed: no lease"
  elif ! command -v udp-receiver >/dev/null; then
    say "push failed: no udp-receiver in this initrd"
  else
    say "push receiving image=$image portbase=$portbase uptime=$(cut -d' ' -f1 /proc/uptime)"
    udp-receiver --nokbd --no-progress --portbase "$portbase" --interface eth0 --file /tmp/image --start-timeout 120 >/tmp/udp-receiver.log 2>&1
    rc=$?
    say "push udp-receiver exit=$rc uptime=$(cut -d' ' -f1 /proc/uptime) log: $(tr '\n' ' ' </tmp/udp-receiver.log | head -c 300)"
    got=$(sha256sum /tmp/image 2>/dev/null | cut -d' ' -f1)
    bytes=$(wc -c </tmp/image 2>/dev/null)
    if [ "$rc" = 0 ] && [ -n "$want" ] && [ "$got" = "$want" ]; then
      push=ok
      echo "${PUSH_MARKER} ok $got bytes=$bytes image=$image"
    else
      echo "${PUSH_MARKER} bad exit=$rc got=\${got:-none} want=\${want:-none} bytes=\${bytes:-0} image=$image"
    fi
    rm -f /tmp/image
  fi
  # The report carries the outcome as its detail (rackboot records it with the up stage).
  case "$report" in *[?]*) report="$report&detail=push-$push" ;; *) report="$report?detail=push-$push" ;; esac
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
    # With its broadcast address: udp-receiver sends its connect request there (none set = 0.0.0.0, itself).
    ip addr add "$ip/\${mask:-24}" broadcast "\${broadcast:-+}" dev "$interface"
    if [ -n "$router" ]; then ip route add default via "\${router%% *}" dev "$interface"; fi
    printf 'ip=%s\\nmask=%s\\nhostname=%s\\nserverid=%s\\n' "$ip" "$mask" "$hostname" "$serverid" > /tmp/lease
    ;;
esac
exit 0
`;

/** The initrd as a gzip-compressed newc cpio archive. */
export function buildInitrd(opts: InitrdOptions): Buffer {
  if (opts.reportUrl && !/^[A-Za-z0-9:/?&=%._~+-]+$/.test(opts.reportUrl)) {
    throw new Error(`report URL ${JSON.stringify(opts.reportUrl)} has characters the shell script would mangle`);
  }
  const modules = moduleLoadOrder(opts.kernel.modulesDir, opts.modules ?? DEFAULT_MODULES);
  const dirs = ['bin', 'sbin', 'etc', 'dev', 'proc', 'sys', 'tmp', 'lib', 'lib/modules', 'usr', 'usr/bin', 'usr/sbin'];
  const entries: CpioEntry[] = [
    ...dirs.map((path): CpioEntry => ({ kind: 'dir', path })),
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
    ...(opts.udpReceiver ? dynamicProgramEntries(opts.udpReceiver, 'usr/bin/udp-receiver', dirs) : []),
  ];
  return gzipSync(encodeCpio(entries), { level: 6 });
}

export function writeInitrd(file: string, opts: InitrdOptions): void {
  writeFileSync(file, buildInitrd(opts));
}
