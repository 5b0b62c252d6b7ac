import { join } from 'node:path';
import type { LabNet } from '../../../lab/lib/netns.js';
import { Service } from '../../../lab/lib/service.js';

export interface DnsmasqHost {
  mac: string;
  ip: string;
  hostname: string;
}

/**
 * dnsmasq as a stand-in DHCP + TFTP server, used only by the harness self-check: it proves
 * the network, QEMU, iPXE ROM, pxelinux, kernel and initrd work without any rackboot code,
 * so a failing rackboot test points at rackboot. DNS is off (--port=0).
 */
export function startDnsmasq(net: LabNet, workDir: string, tftpRoot: string, hosts: DnsmasqHost[]): Service {
  const argv = [
    'dnsmasq',
    '--no-daemon',
    '--conf-file=/dev/null',
    '--port=0',
    '--user=root', // the TFTP root is a private temp dir
    `--interface=${net.serverIf}`,
    '--bind-interfaces',
    `--dhcp-range=${net.subnet}.100,${net.subnet}.199,255.255.255.0,1h`,
    ...hosts.map((h) => `--dhcp-host=${h.mac},${h.ip},${h.hostname}`),
    `--dhcp-leasefile=${join(workDir, 'dnsmasq.leases')}`,
    '--dhcp-boot=pxelinux.0',
    '--enable-tftp',
    `--tftp-root=${tftpRoot}`,
    '--log-dhcp',
    '--log-facility=-',
  ];
  return new Service('dnsmasq', net.serverNs, argv, join(workDir, 'dnsmasq.log'));
}
