import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import type { Config } from '../config.js';
import { fail, ok, warn, type CheckResult } from './result.js';

export interface Provisioning {
  /** The interface DHCP broadcasts leave through: dhcp.interface, else interface, else the one holding serverAddress. */
  name: string | null;
  /** Its IPv4 address, when it has one. */
  address: string | null;
  mac: string | null;
  /** What nodes are told to reach rackboot at (serverAddress, else the interface's, else the first non-loopback IPv4). */
  serverAddress: string;
}

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

const v4 = (list: NetworkInterfaceInfo[] | undefined): NetworkInterfaceInfo | undefined => list?.find((a) => a.family === 'IPv4');

/** The provisioning interface and server address as serve would pick them, without throwing. */
export function provisioning(config: Config, all: Interfaces = networkInterfaces()): Provisioning {
  const configured = config.dhcp.interface ?? config.interface;
  const firstV4 = Object.values(all).flatMap((l) => l ?? []).find((a) => a.family === 'IPv4' && !a.internal);
  const own = configured ? v4(all[configured]) : undefined;
  const serverAddress = config.serverAddress ?? own?.address ?? (configured ? null : firstV4?.address) ?? '127.0.0.1';
  let name = configured;
  if (!name) name = Object.entries(all).find(([, l]) => l?.some((a) => a.family === 'IPv4' && a.address === serverAddress))?.[0] ?? null;
  const info = name ? v4(all[name]) : undefined;
  return { name, address: info?.address ?? null, mac: info?.mac ?? null, serverAddress };
}

/** The interface exists and has an IPv4 address; serverAddress is on it (warn otherwise). */
export function checkInterface(config: Config, all: Interfaces = networkInterfaces()): CheckResult {
  const name = config.dhcp.interface ?? config.interface;
  const key = config.dhcp.interface ? 'dhcp.interface' : 'interface';
  const withV4 = Object.entries(all).filter(([, l]) => v4(l)).map(([n, l]) => `${n} ${v4(l)!.address}`);
  const on = (addr: string): string | undefined => Object.entries(all).find(([, l]) => l?.some((a) => a.address === addr))?.[0];
  if (!name) {
    const p = provisioning(config, all);
    const where = on(p.serverAddress);
    const msg = `no provisioning interface configured; nodes are told to reach rackboot at ${p.serverAddress}${where ? ` (on ${where})` : ''}`;
    if (config.serverAddress && !where) return warn('interface', `${msg}, an address no interface of this machine has`);
    if (config.dhcp.mode !== 'off') return warn('interface', `${msg}; set interface: so DHCP broadcasts leave through the provisioning NIC`);
    return ok('interface', msg);
  }
  const list = all[name];
  if (!list) return fail('interface', `${key} ${name}: no such interface on this machine (interfaces with IPv4: ${withV4.join(', ') || 'none'})`);
  const addr = v4(list);
  if (!addr) return fail('interface', `${key} ${name} has no IPv4 address; give it one (ip addr add 10.0.0.1/24 dev ${name})`);
  const mine = list.filter((a) => a.family === 'IPv4').map((a) => a.cidr ?? a.address);
  if (config.serverAddress && !list.some((a) => a.address === config.serverAddress)) {
    const elsewhere = on(config.serverAddress);
    return warn('interface', `serverAddress ${config.serverAddress} is not on ${name} (${mine.join(', ')})${elsewhere ? `, it is on ${elsewhere}` : ', nor on any interface of this machine'}: nodes on ${name} may not reach it`);
  }
  return ok('interface', `${name} has ${mine.join(', ')}; nodes reach rackboot at ${config.serverAddress ?? addr.address}`);
}
