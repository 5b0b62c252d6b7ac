import { DecodeError } from '../../errors.js';

/** Dotted quad from 4 bytes at `off`. */
export function formatIp(buf: Uint8Array, off = 0): string {
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
}

const QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Write a dotted quad as 4 bytes; returns the bytes written to a new array when `out` is omitted. */
export function parseIp(text: string, out: Uint8Array = new Uint8Array(4), off = 0): Uint8Array {
  const m = QUAD.exec(text);
  if (!m) throw new RangeError(`not an IPv4 address: "${text}"`);
  for (let i = 0; i < 4; i++) {
    const n = Number(m[i + 1]);
    if (n > 255) throw new RangeError(`not an IPv4 address: "${text}"`);
    out[off + i] = n;
  }
  return out;
}

export const ipToInt = (text: string): number => {
  const b = parseIp(text);
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
};

export const intToIp = (n: number): string => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** A list of addresses (options 3, 6, 42 …): a multiple of 4 bytes. */
export function decodeIpList(data: Uint8Array, what: string): string[] {
  if (data.length === 0 || data.length % 4 !== 0) throw new DecodeError(`${what}: ${data.length} bytes is not a list of IPv4 addresses`);
  const out: string[] = [];
  for (let i = 0; i < data.length; i += 4) out.push(formatIp(data, i));
  return out;
}

/** Canonical lower-case aa:bb:cc:dd:ee:ff from chaddr. */
export function formatMac(chaddr: Uint8Array, hlen = 6): string {
  return Buffer.from(chaddr.subarray(0, Math.min(hlen, 16))).toString('hex').replace(/(..)(?!$)/g, '$1:');
}

/** chaddr (16 bytes) from a MAC in aa:bb:cc:dd:ee:ff or aa-bb-… form. */
export function macToChaddr(mac: string): Uint8Array {
  const hex = mac.replace(/[:-]/g, '');
  if (!/^[0-9a-fA-F]{12}$/.test(hex)) throw new RangeError(`not a MAC address: "${mac}"`);
  const out = new Uint8Array(16);
  out.set(Buffer.from(hex, 'hex'));
  return out;
}
