import { DecodeError } from '../../errors.js';
import { Opt } from './codes.js';
import type { DhcpOption } from './options.js';
import type { DhcpPacket } from './packet.js';
import { decodeIpList, formatIp, parseIp } from './ip.js';

/** Typed constructors: each returns an option (code + raw bytes). */
export const option = {
  raw: (code: number, data: Uint8Array): DhcpOption => ({ code, data }),
  u8: (code: number, n: number): DhcpOption => ({ code, data: Uint8Array.of(n) }),
  u16: (code: number, n: number): DhcpOption => ({ code, data: Uint8Array.of(n >>> 8, n & 255) }),
  u32: (code: number, n: number): DhcpOption => ({ code, data: Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255) }),
  ip: (code: number, addr: string): DhcpOption => ({ code, data: parseIp(addr) }),
  ips: (code: number, addrs: string[]): DhcpOption => {
    const data = new Uint8Array(addrs.length * 4);
    addrs.forEach((a, i) => parseIp(a, data, i * 4));
    return { code, data };
  },
  text: (code: number, s: string): DhcpOption => ({ code, data: Uint8Array.from(Buffer.from(s, 'utf8')) }),
  messageType: (t: number): DhcpOption => ({ code: Opt.MESSAGE_TYPE, data: Uint8Array.of(t) }),
};

export function getOption(p: DhcpPacket, code: number): Uint8Array | undefined {
  return p.options.find((o) => o.code === code)?.data;
}

/** Replace (or add) an option, keeping the position of an existing one. */
export function setOption(p: DhcpPacket, o: DhcpOption): void {
  const i = p.options.findIndex((x) => x.code === o.code);
  if (i >= 0) p.options[i] = o;
  else p.options.push(o);
}

export function removeOption(p: DhcpPacket, code: number): void {
  p.options = p.options.filter((o) => o.code !== code);
}

function fixed(p: DhcpPacket, code: number, size: number): Uint8Array | undefined {
  const d = getOption(p, code);
  if (d === undefined) return undefined;
  if (d.length !== size) throw new DecodeError(`option ${code}: ${d.length} bytes, expected ${size}`);
  return d;
}

export const read = {
  u8: (p: DhcpPacket, code: number): number | undefined => fixed(p, code, 1)?.[0],
  u16: (p: DhcpPacket, code: number): number | undefined => {
    const d = fixed(p, code, 2);
    return d && (d[0]! << 8) | d[1]!;
  },
  u32: (p: DhcpPacket, code: number): number | undefined => {
    const d = fixed(p, code, 4);
    return d && new DataView(d.buffer, d.byteOffset, 4).getUint32(0);
  },
  ip: (p: DhcpPacket, code: number): string | undefined => {
    const d = fixed(p, code, 4);
    return d && formatIp(d);
  },
  ips: (p: DhcpPacket, code: number): string[] | undefined => {
    const d = getOption(p, code);
    return d && decodeIpList(d, `option ${code}`);
  },
  /** Text options (12, 15, 17, 60, 66, 67 …); a trailing NUL some clients send is dropped. */
  text: (p: DhcpPacket, code: number): string | undefined => {
    const d = getOption(p, code);
    if (d === undefined) return undefined;
    const end = d.indexOf(0);
    return Buffer.from(d.buffer, d.byteOffset, end < 0 ? d.length : end).toString('utf8'); // a view, not a copy
  },
  messageType: (p: DhcpPacket): number | undefined => read.u8(p, Opt.MESSAGE_TYPE),
};
