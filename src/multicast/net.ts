import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { ValidationError } from '../errors.js';

export interface InterfaceAddress {
  name: string;
  ip: string;
  broadcast: string;
}

const toInt = (ip: string): number => ip.split('.').reduce((a, p) => ((a << 8) | Number(p)) >>> 0, 0);
const toIp = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

/**
 * The IPv4 address and broadcast address of `name`, or of the first non-internal
 * interface when name is null (udpcast's own choice when --interface is not given).
 */
export function interfaceAddress(name: string | null): InterfaceAddress {
  const all = networkInterfaces();
  const names = name !== null ? [name] : Object.keys(all).filter((n) => all[n]?.some((a) => a.family === 'IPv4' && !a.internal));
  for (const n of names) {
    const a = all[n]?.find((x) => x.family === 'IPv4');
    if (a) return { name: n, ip: a.address, broadcast: toIp((toInt(a.address) | ~toInt(a.netmask)) >>> 0) };
  }
  throw new ValidationError(name === null ? 'no IPv4 interface found; pass --interface' : `interface ${name} has no IPv4 address`, 'interface');
}

/** udpcast's default data group: the sender's address with its top 5 bits replaced by 232's. */
export function defaultGroup(senderIp: string): string {
  return toIp(((toInt(senderIp) & 0x07ffffff) | 0xe8000000) >>> 0);
}

/** The link speed the kernel reports for `name` (bits/s), or null when unknown. */
export function linkSpeed(name: string): number | null {
  try {
    const mbit = Number(readFileSync(`/sys/class/net/${name}/speed`, 'utf8').trim());
    return Number.isFinite(mbit) && mbit > 0 ? mbit * 1e6 : null;
  } catch {
    return null; // EINVAL when the link is down, or no sysfs
  }
}

/** A UDP socket bound to address:port (SO_REUSEADDR when asked), or the bind error. */
export function bindSocket(address: string, port: number, reuseAddr = false): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket({ type: 'udp4', reuseAddr });
    s.once('error', reject);
    s.bind({ address, port }, () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}
