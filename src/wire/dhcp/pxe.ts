import { DecodeError } from '../../errors.js';
import { Opt } from './codes.js';
import type { DhcpOption } from './options.js';
import type { DhcpPacket } from './packet.js';
import { getOption } from './accessors.js';
import { formatIp, parseIp } from './ip.js';

/** Sub-options inside an encapsulating option (43, 82): code/length/data with PAD and END. */
export function decodeSubOptions(data: Uint8Array, what: string): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  let i = 0;
  while (i < data.length) {
    const code = data[i]!;
    if (code === 0) {
      i++;
      continue;
    }
    if (code === 255) break;
    if (i + 1 >= data.length) throw new DecodeError(`${what} sub-option ${code}: missing length`);
    const len = data[i + 1]!;
    if (i + 2 + len > data.length) throw new DecodeError(`${what} sub-option ${code}: length ${len} runs past the end`);
    out.set(code, data.subarray(i + 2, i + 2 + len));
    i += 2 + len;
  }
  return out;
}

export function encodeSubOptions(subs: Array<[number, Uint8Array]>, end: boolean): Uint8Array {
  const parts: number[] = [];
  for (const [code, d] of subs) {
    if (d.length > 255) throw new RangeError(`sub-option ${code} is longer than 255 bytes`);
    parts.push(code, d.length, ...d);
  }
  if (end) parts.push(255);
  return Uint8Array.from(parts);
}

/** RFC 3046 relay agent information (option 82): circuit-id (1), remote-id (2), others raw. */
export interface RelayAgentInfo {
  circuitId?: Uint8Array;
  remoteId?: Uint8Array;
  subs: Map<number, Uint8Array>;
}

export function decodeRelayAgentInfo(data: Uint8Array): RelayAgentInfo {
  const subs = decodeSubOptions(data, 'option 82');
  return { circuitId: subs.get(1), remoteId: subs.get(2), subs };
}

/** Printable text when the bytes are printable ASCII, else hex (how switches send port names). */
export function agentIdText(d: Uint8Array | undefined): string | null {
  if (!d || d.length === 0) return null;
  return d.every((b) => b >= 0x20 && b < 0x7f) ? Buffer.from(d).toString('latin1') : Buffer.from(d).toString('hex');
}

/** RFC 4578 §2.1 option 93: a list of 16-bit architecture types; the first one counts. */
export function decodeClientArch(data: Uint8Array): number[] {
  if (data.length === 0 || data.length % 2 !== 0) throw new DecodeError(`option 93: ${data.length} bytes is not a list of 16-bit types`);
  const out: number[] = [];
  for (let i = 0; i < data.length; i += 2) out.push((data[i]! << 8) | data[i + 1]!);
  return out;
}

/** RFC 4578 §2.2 option 94: type 1 (UNDI), major, minor. */
export function decodeClientNdi(data: Uint8Array): { type: number; major: number; minor: number } {
  if (data.length !== 3) throw new DecodeError(`option 94: ${data.length} bytes, expected 3`);
  return { type: data[0]!, major: data[1]!, minor: data[2]! };
}

/** RFC 4578 §2.3 option 97: type 0 then a 16-byte GUID, rendered 8-4-4-4-12 in wire order. */
export function decodeClientUuid(data: Uint8Array): string {
  if (data.length !== 17 || data[0] !== 0) throw new DecodeError(`option 97: expected type 0 and 16 bytes, got ${data.length} bytes`);
  const h = Buffer.from(data.subarray(1)).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** User class (77): iPXE sends the bare string "iPXE"; RFC 3004 clients send length-prefixed entries. */
export function userClasses(data: Uint8Array | undefined): string[] {
  if (!data || data.length === 0) return [];
  const whole = Buffer.from(data).toString('latin1');
  const entries: string[] = [];
  let i = 0;
  while (i < data.length) {
    const len = data[i]!;
    if (len === 0 || i + 1 + len > data.length) return [whole];
    entries.push(Buffer.from(data.subarray(i + 1, i + 1 + len)).toString('latin1'));
    i += 1 + len;
  }
  return [whole, ...entries];
}

/** The PXE vendor options (PXE spec 2.1 table 2-1) inside option 43. */
export interface PxeVendorOptions {
  mtftpIp?: string; // 1
  mtftpClientPort?: number; // 2
  mtftpServerPort?: number; // 3
  mtftpTimeout?: number; // 4
  mtftpDelay?: number; // 5
  discoveryControl?: number; // 6: bit 0 no broadcast, 1 no multicast, 2 only listed servers, 3 use bootfile
  discoveryMcastAddr?: string; // 7
  bootServers?: Array<{ type: number; ips: string[] }>; // 8
  bootMenu?: Array<{ type: number; description: string }>; // 9
  menuPrompt?: { timeout: number; prompt: string }; // 10
  bootItem?: { type: number; layer: number }; // 71
  other: Map<number, Uint8Array>;
}

const u16 = (d: Uint8Array, i: number): number => (d[i]! << 8) | d[i + 1]!;
const be16 = (n: number): number[] => [n >>> 8, n & 255];

function need(d: Uint8Array, n: number, what: string): Uint8Array {
  if (d.length !== n) throw new DecodeError(`option 43 ${what}: ${d.length} bytes, expected ${n}`);
  return d;
}

export function decodePxeVendorOptions(data: Uint8Array): PxeVendorOptions {
  const subs = decodeSubOptions(data, 'option 43');
  const r: PxeVendorOptions = { other: new Map() };
  for (const [code, d] of subs) {
    switch (code) {
      case 1: r.mtftpIp = formatIp(need(d, 4, 'MTFTP-IP')); break;
      case 2: r.mtftpClientPort = u16(need(d, 2, 'MTFTP-CPORT'), 0); break;
      case 3: r.mtftpServerPort = u16(need(d, 2, 'MTFTP-SPORT'), 0); break;
      case 4: r.mtftpTimeout = need(d, 1, 'MTFTP-TMOUT')[0]!; break;
      case 5: r.mtftpDelay = need(d, 1, 'MTFTP-DELAY')[0]!; break;
      case 6: r.discoveryControl = need(d, 1, 'DISCOVERY-CONTROL')[0]!; break;
      case 7: r.discoveryMcastAddr = formatIp(need(d, 4, 'DISCOVERY-MCAST-ADDR')); break;
      case 8: r.bootServers = decodeBootServers(d); break;
      case 9: r.bootMenu = decodeBootMenu(d); break;
      case 10:
        if (d.length < 1) throw new DecodeError('option 43 MENU-PROMPT: empty');
        r.menuPrompt = { timeout: d[0]!, prompt: Buffer.from(d.subarray(1)).toString('latin1') };
        break;
      case 71: r.bootItem = { type: u16(need(d, 4, 'PXE-BOOT-ITEM'), 0), layer: u16(d, 2) }; break;
      default: r.other.set(code, d);
    }
  }
  return r;
}

function decodeBootServers(d: Uint8Array): Array<{ type: number; ips: string[] }> {
  const out: Array<{ type: number; ips: string[] }> = [];
  let i = 0;
  while (i < d.length) {
    if (i + 3 > d.length) throw new DecodeError('option 43 BOOT-SERVERS: truncated entry');
    const count = d[i + 2]!;
    if (i + 3 + 4 * count > d.length) throw new DecodeError('option 43 BOOT-SERVERS: truncated address list');
    const ips = Array.from({ length: count }, (_, k) => formatIp(d, i + 3 + 4 * k));
    out.push({ type: u16(d, i), ips });
    i += 3 + 4 * count;
  }
  return out;
}

function decodeBootMenu(d: Uint8Array): Array<{ type: number; description: string }> {
  const out: Array<{ type: number; description: string }> = [];
  let i = 0;
  while (i < d.length) {
    if (i + 3 > d.length || i + 3 + d[i + 2]! > d.length) throw new DecodeError('option 43 BOOT-MENU: truncated entry');
    out.push({ type: u16(d, i), description: Buffer.from(d.subarray(i + 3, i + 3 + d[i + 2]!)).toString('latin1') });
    i += 3 + d[i + 2]!;
  }
  return out;
}

export function encodePxeVendorOptions(o: Omit<PxeVendorOptions, 'other'> & { other?: Map<number, Uint8Array> }): DhcpOption {
  const subs: Array<[number, Uint8Array]> = [];
  if (o.mtftpIp !== undefined) subs.push([1, parseIp(o.mtftpIp)]);
  if (o.mtftpClientPort !== undefined) subs.push([2, Uint8Array.from(be16(o.mtftpClientPort))]);
  if (o.mtftpServerPort !== undefined) subs.push([3, Uint8Array.from(be16(o.mtftpServerPort))]);
  if (o.mtftpTimeout !== undefined) subs.push([4, Uint8Array.of(o.mtftpTimeout)]);
  if (o.mtftpDelay !== undefined) subs.push([5, Uint8Array.of(o.mtftpDelay)]);
  if (o.discoveryControl !== undefined) subs.push([6, Uint8Array.of(o.discoveryControl)]);
  if (o.discoveryMcastAddr !== undefined) subs.push([7, parseIp(o.discoveryMcastAddr)]);
  if (o.bootServers) {
    const b = o.bootServers.flatMap((s) => [...be16(s.type), s.ips.length, ...s.ips.flatMap((ip) => [...parseIp(ip)])]);
    subs.push([8, Uint8Array.from(b)]);
  }
  if (o.bootMenu) {
    const b = o.bootMenu.flatMap((m) => [...be16(m.type), m.description.length, ...Buffer.from(m.description, 'latin1')]);
    subs.push([9, Uint8Array.from(b)]);
  }
  if (o.menuPrompt) subs.push([10, Uint8Array.from([o.menuPrompt.timeout, ...Buffer.from(o.menuPrompt.prompt, 'latin1')])]);
  if (o.bootItem) subs.push([71, Uint8Array.from([...be16(o.bootItem.type), ...be16(o.bootItem.layer)])]);
  for (const [code, d] of o.other ?? []) subs.push([code, d]);
  return { code: Opt.VENDOR_SPECIFIC, data: encodeSubOptions(subs, true) };
}

/** RFC 5071 magic for option 208; pxelinux ignores 209–211 without it. */
export const PXELINUX_MAGIC = Uint8Array.of(0xf1, 0x00, 0x74, 0x7e);

export interface PxelinuxOptions {
  configFile?: string; // 209
  pathPrefix?: string; // 210
  rebootTime?: number; // 211, seconds
}

export function encodePxelinuxOptions(o: PxelinuxOptions): DhcpOption[] {
  const out: DhcpOption[] = [{ code: Opt.PXELINUX_MAGIC, data: PXELINUX_MAGIC }];
  if (o.configFile !== undefined) out.push({ code: Opt.PXELINUX_CONFIGFILE, data: Uint8Array.from(Buffer.from(o.configFile)) });
  if (o.pathPrefix !== undefined) out.push({ code: Opt.PXELINUX_PATHPREFIX, data: Uint8Array.from(Buffer.from(o.pathPrefix)) });
  if (o.rebootTime !== undefined) {
    const d = new Uint8Array(4);
    new DataView(d.buffer).setUint32(0, o.rebootTime >>> 0);
    out.push({ code: Opt.PXELINUX_REBOOTTIME, data: d });
  }
  return out;
}

/** Decode 208–211 from a packet; undefined unless the magic is present and correct. */
export function decodePxelinuxOptions(p: DhcpPacket): PxelinuxOptions | undefined {
  const magic = getOption(p, Opt.PXELINUX_MAGIC);
  if (!magic) return undefined;
  if (Buffer.compare(Buffer.from(magic), Buffer.from(PXELINUX_MAGIC)) !== 0) throw new DecodeError('option 208: wrong pxelinux magic');
  const text = (c: number): string | undefined => {
    const d = getOption(p, c);
    return d && Buffer.from(d).toString('utf8');
  };
  const reboot = getOption(p, Opt.PXELINUX_REBOOTTIME);
  if (reboot && reboot.length !== 4) throw new DecodeError('option 211: expected 4 bytes');
  return {
    configFile: text(Opt.PXELINUX_CONFIGFILE),
    pathPrefix: text(Opt.PXELINUX_PATHPREFIX),
    rebootTime: reboot && new DataView(reboot.buffer, reboot.byteOffset, 4).getUint32(0),
  };
}
