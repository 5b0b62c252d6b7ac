import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/db.js';
import { Lab, daemonFiles, requireTools, sh, startDaemon, type Proc } from './lab.js';

/**
 * proxyDHCP beside an address-giving DHCP server: dnsmasq (rbtd-pD, 10.79.0.2) hands out
 * addresses, rackboot in proxy mode (rbtd-pS, 10.79.0.1) hands out boot information on 67 and
 * 4011, and the client is QEMU's real iPXE ROM (rbtd-pB, on the bridge through a tap).
 */
const MAC = '52:54:00:79:00:01';
let lab: Lab;
let daemon: Proc;
let dnsmasq: Proc;
let qemu: Proc;
let dbFile: string;

beforeAll(async () => {
  requireTools('ip', 'dnsmasq', 'qemu-system-x86_64');
  if (!existsSync('/usr/lib/ipxe/qemu/efi-e1000.rom') && !existsSync('/usr/share/qemu/efi-e1000.rom')) {
    throw new Error('QEMU iPXE ROM missing: install the Debian package ipxe-qemu');
  }
  lab = new Lab('p');
  const B = lab.ns('B');
  const D = lab.ns('D');
  const S = lab.ns('S');
  sh(`ip -n ${B} link add rbtd-pbr type bridge && ip -n ${B} link set rbtd-pbr up`);
  lab.veth('rbtd-pd0', D, '10.79.0.2/24', 'rbtd-pd1', B);
  lab.veth('rbtd-ps0', S, '10.79.0.1/24', 'rbtd-ps1', B);
  sh(`ip -n ${B} link set rbtd-pd1 master rbtd-pbr && ip -n ${B} link set rbtd-ps1 master rbtd-pbr`);
  sh(`ip -n ${B} tuntap add dev rbtd-ptap mode tap && ip -n ${B} link set rbtd-ptap master rbtd-pbr && ip -n ${B} link set rbtd-ptap up`);

  dnsmasq = lab.spawn(D, 'dnsmasq', [
    '--no-daemon', '--port=0', '--interface=rbtd-pd0', '--bind-interfaces', '--no-resolv', '--no-hosts', '--log-dhcp',
    '--dhcp-range=10.79.0.100,10.79.0.150,255.255.255.0,10m', `--dhcp-leasefile=${join(lab.dir, 'dnsmasq.leases')}`, `--pid-file=${join(lab.dir, 'dnsmasq.pid')}`,
  ]);
  await dnsmasq.waitFor(/DHCP, IP range 10\.79\.0\.100/);

  ({ dbFile } = daemonFiles(
    lab,
    { serverAddress: '10.79.0.1', dhcp: { mode: 'proxy', loaders: { ipxeScript: false } }, tftp: { enabled: true, bootDir: lab.dir, syslinux: true } },
    [{ mac: MAC, hostname: 'px1' }],
  ));
  daemon = startDaemon(lab, S, join(lab.dir, 'rackboot.yaml'));
  await daemon.waitFor(/rackboot is ready/);
  qemu = lab.spawn(B, 'qemu-system-x86_64', [
    // TCG, not KVM: nested KVM is not reliable on CI machines and the ROM needs only seconds.
    '-nographic', '-nodefaults', '-serial', 'none', '-monitor', 'none', '-display', 'none', '-m', '128',
    '-netdev', 'tap,id=n0,ifname=rbtd-ptap,script=no,downscript=no', '-device', `e1000,netdev=n0,mac=${MAC}`, '-boot', 'n',
  ]);
});

afterAll(async () => {
  await lab?.cleanup();
});

describe('proxyDHCP beside dnsmasq, with the QEMU iPXE ROM', () => {
  it('the ROM takes its address from dnsmasq and its boot file from rackboot (67 offer, 4011 ACK), then fetches it over TFTP', async () => {
    const ack = await daemon.waitFor(/"outcome":"ack"[^\n]*"to":\{"kind":"source","address":"(10\.79\.0\.1\d\d)","port":68\}/, 60_000).catch((e: Error) => {
      throw new Error(`${e.message}\n--- dnsmasq:\n${dnsmasq.out.slice(-3000)}\n--- qemu:\n${qemu.out.slice(-2000)}`);
    });
    const leased = ack[1]!;
    const offers = daemon.logs().filter((l) => l.msg === 'dhcp: reply' && l.outcome === 'offer' && l.mac === MAC);
    expect(offers.length).toBeGreaterThanOrEqual(1);
    expect(offers[0]!.yiaddr).toBe('0.0.0.0');
    const acks = daemon.logs().filter((l) => l.msg === 'dhcp: reply' && l.outcome === 'ack' && l.mac === MAC);
    expect(acks[0]!.type).toBe('request');
    expect(offers[0]!.to).toEqual({ kind: 'broadcast', address: '255.255.255.255', port: 68 });
    // dnsmasq, not rackboot, gave the address.
    expect(dnsmasq.out).toMatch(new RegExp(`DHCPACK\\(rbtd-pd0\\) ${leased.replace(/\./g, '\\.')} ${MAC}`));
    expect(readFileSync(join(lab.dir, 'dnsmasq.leases'), 'utf8')).toContain(MAC);
    // The ROM went on to TFTP for the loader rackboot named.
    await daemon.waitFor(/pxelinux\.0[^\n]*10\.79\.0\.1\d\d|10\.79\.0\.1\d\d[^\n]*pxelinux\.0/, 60_000);
    const db = openDatabase(dbFile);
    try {
      const stages = (db.prepare("SELECT e.stage FROM boot_events e JOIN nodes n ON n.id = e.node_id WHERE n.hostname = 'px1' ORDER BY e.id").all() as Array<{ stage: string }>).map((r) => r.stage);
      // offer (once per DISCOVER the ROM sent), then the 4011 ack, then what TFTP recorded.
      const firstAck = stages.indexOf('ack');
      expect(stages[0]).toBe('offer');
      expect(firstAck).toBeGreaterThan(0);
      expect(stages.slice(0, firstAck).every((s) => s === 'offer')).toBe(true);
      expect(db.prepare('SELECT count(*) AS n FROM leases').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
    void qemu;
  }, 150_000);
});
