import { ConfigError } from '../errors.js';
import { intToIp, ipToInt } from '../wire/dhcp/ip.js';
import type { SubnetConfig } from './config.js';

export interface PoolRange {
  start: number;
  end: number; // inclusive
}

/** A configured subnet with its numbers precomputed. Addresses are unsigned 32-bit ints. */
export interface Subnet {
  name: string; // the CIDR, used as the metrics label and the leases.subnet column
  network: number;
  prefix: number;
  mask: string;
  broadcast: string;
  pools: PoolRange[];
  poolSize: number;
  relays: Set<number>;
  config: SubnetConfig;
}

const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

export function buildSubnet(c: SubnetConfig): Subnet {
  const [addr, len] = c.network.split('/') as [string, string];
  const prefix = Number(len);
  const mask = maskOf(prefix);
  const network = (ipToInt(addr) & mask) >>> 0;
  const inside = (n: number): boolean => ((n & mask) >>> 0) === network;
  const pools = c.pools.map((p) => ({ start: ipToInt(p.start), end: ipToInt(p.end) }));
  for (const [i, p] of pools.entries()) {
    if (p.start > p.end) throw new ConfigError(`pool start ${intToIp(p.start)} is after its end`, `dhcp.subnets[${c.network}].pools[${i}]`);
    if (!inside(p.start) || !inside(p.end)) throw new ConfigError(`pool ${intToIp(p.start)}-${intToIp(p.end)} is outside ${c.network}`, `dhcp.subnets[${c.network}].pools[${i}]`);
  }
  return {
    name: `${intToIp(network)}/${prefix}`,
    network,
    prefix,
    mask: c.mask ?? intToIp(mask),
    broadcast: c.broadcast ?? intToIp((network | ~mask) >>> 0),
    pools,
    poolSize: pools.reduce((n, p) => n + (p.end - p.start + 1), 0),
    relays: new Set(c.relays.map(ipToInt)),
    config: c,
  };
}

export function buildSubnets(list: SubnetConfig[]): Subnet[] {
  const out = list.map(buildSubnet);
  const seen = new Set<string>();
  for (const s of out) {
    if (seen.has(s.name)) throw new ConfigError(`subnet ${s.name} is listed twice`, 'dhcp.subnets');
    seen.add(s.name);
  }
  return out;
}

export const contains = (s: Subnet, ip: number): boolean => ((ip & maskOf(s.prefix)) >>> 0) === s.network;
export const inPool = (s: Subnet, ip: number): boolean => s.pools.some((p) => ip >= p.start && ip <= p.end);

/**
 * RFC 2131 §4.3.1: a relayed request is served from the subnet of its giaddr (or one
 * listing it under `relays`); a local one from the subnet of the provisioning interface
 * address, or the only subnet when just one is configured.
 */
export function selectSubnet(subnets: Subnet[], giaddr: string, ciaddr: string, localAddress: string): Subnet | undefined {
  if (giaddr !== '0.0.0.0') {
    const g = ipToInt(giaddr);
    return subnets.find((s) => s.relays.has(g)) ?? subnets.find((s) => contains(s, g));
  }
  // §4.3.1: a renewing client (unicast, no relay) is on the subnet of its ciaddr.
  if (ciaddr !== '0.0.0.0') {
    const c = ipToInt(ciaddr);
    const own = subnets.find((s) => contains(s, c));
    if (own) return own;
  }
  const local = ipToInt(localAddress);
  return subnets.find((s) => contains(s, local)) ?? (subnets.length === 1 ? subnets[0] : undefined);
}
