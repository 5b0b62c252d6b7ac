import { DecodeError } from '../../errors.js';

/** Dotted quad from 4 bytes at `off`. */
export function formatIp(buf: Uint8Array, off = 0): string {
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
}

const notIp = (text: string): RangeError => new RangeError(`not an IPv4 address: "${text}"`);

/**
 * Write a dotted quad (four decimal parts of 1–3 digits, each ≤ 255) as 4 bytes; returns the
 * bytes written to a new array when `out` is omitted. Parsed by hand: it runs several times
 * per DHCP packet, and a regular expression cost more than the rest of the encoding.
 */
export function parseIp(text: string, out: Uint8Array = new Uint8Array(4), off = 0): Uint8Array {
  let part = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) throw notIp(text);
      value = value * 10 + (c - 48);
    } else if (c === 46 && digits > 0 && part < 3 && value <= 255) {
      out[off + part++] = value;
      value = 0;
      digits = 0;
    } else throw notIp(text);
  }
  if (part !== 3 || digits === 0 || value > 255) throw notIp(text);
  out[off + 3] = value;
  return out;
}

const scratch = new Uint8Array(4);

export const ipToInt = (text: string): number => {
  const b = parseIp(text, scratch);
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

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Canonical lower-case aa:bb:cc:dd:ee:ff from chaddr (hlen bytes, at most 16). */
export function formatMac(chaddr: Uint8Array, hlen = 6): string {
  const n = Math.min(hlen, 16, chaddr.length);
  let out = n > 0 ? HEX[chaddr[0]!]! : '';
  for (let i = 1; i < n; i++) out += `:${HEX[chaddr[i]!]!}`;
  return out;
}

/** chaddr (16 bytes) from a MAC in aa:bb:cc:dd:ee:ff or aa-bb-… form. */
export function macToChaddr(mac: string): Uint8Array {
  const hex = mac.replace(/[:-]/g, '');
  if (!/^[0-9a-fA-F]{12}$/.test(hex)) throw new RangeError(`not a MAC address: "${mac}"`);
  const out = new Uint8Array(16);
  out.set(Buffer.from(hex, 'hex'));
  return out;
}
