import { DecodeError } from '../../errors.js';
import { BOOTP_MIN_LEN, DEFAULT_MAX_LEN, HEADER_LEN, MAGIC_COOKIE, Opt } from './codes.js';
import { OptionReader, optionChunks, orderForWire, type DhcpOption } from './options.js';
import { formatIp, parseIp } from './ip.js';

/** A BOOTP/DHCP message (RFC 2131 §2). Addresses are dotted quads; options are joined raw data. */
export interface DhcpPacket {
  op: number; // 1 BOOTREQUEST, 2 BOOTREPLY
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  chaddr: Uint8Array; // 16 bytes as on the wire; the MAC is the first hlen
  sname: string;
  file: string;
  options: DhcpOption[];
}

export interface EncodeOptions {
  /** Largest DHCP message the peer accepts (option 57 minus IP/UDP headers); default 548. */
  maxLength?: number;
}

const SNAME_OFF = 44;
const FILE_OFF = 108;
const OPTIONS_OFF = HEADER_LEN + 4;

function cString(buf: Uint8Array): string {
  const end = buf.indexOf(0);
  if (end === 0) return ''; // the usual sname and file of a request
  return Buffer.from(buf.buffer, buf.byteOffset, end < 0 ? buf.length : end).toString('latin1'); // a view, not a copy
}

/** Big-endian 32 bits at `off` (no DataView: one object less per packet). */
const u32 = (b: Uint8Array, off: number): number => ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;

/**
 * Decode a DHCP message; throws DecodeError for anything that is not one. The result shares
 * no memory with `input` (options and chaddr are copies), so keeping it keeps no receive buffer.
 */
export function decodePacket(input: Uint8Array): DhcpPacket {
  // A plain view: subarray() of a Node Buffer builds a Buffer each time, which costs more.
  const buf = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length < OPTIONS_OFF) throw new DecodeError(`${buf.length} bytes is shorter than a DHCP header (${OPTIONS_OFF})`);
  const op = buf[0]!;
  if (op !== 1 && op !== 2) throw new DecodeError(`op ${op} is neither BOOTREQUEST nor BOOTREPLY`);
  const hlen = buf[2]!;
  if (hlen > 16) throw new DecodeError(`hlen ${hlen} exceeds the 16-byte chaddr`);
  if (u32(buf, HEADER_LEN) !== MAGIC_COOKIE) throw new DecodeError('missing DHCP magic cookie 63:82:53:63');
  const reader = new OptionReader();
  reader.read(buf.subarray(OPTIONS_OFF), 'options');
  // RFC 2131 §4.1: with option 52, `file` is read before `sname`.
  const overload = reader.first(Opt.OVERLOAD);
  let overloadBits = 0;
  if (overload) {
    if (overload.length !== 1 || overload[0]! < 1 || overload[0]! > 3) throw new DecodeError('option 52 (overload) must be one byte 1..3');
    overloadBits = overload[0]!;
    if (overloadBits & 1) reader.read(buf.subarray(FILE_OFF, FILE_OFF + 128), 'file');
    if (overloadBits & 2) reader.read(buf.subarray(SNAME_OFF, SNAME_OFF + 64), 'sname');
  }
  const options = reader.finish();
  return {
    op,
    htype: buf[1]!,
    hlen,
    hops: buf[3]!,
    xid: u32(buf, 4),
    secs: (buf[8]! << 8) | buf[9]!,
    flags: (buf[10]! << 8) | buf[11]!,
    ciaddr: formatIp(buf, 12),
    yiaddr: formatIp(buf, 16),
    siaddr: formatIp(buf, 20),
    giaddr: formatIp(buf, 24),
    chaddr: buf.slice(28, 44),
    sname: overloadBits & 2 ? '' : cString(buf.subarray(SNAME_OFF, SNAME_OFF + 64)),
    file: overloadBits & 1 ? '' : cString(buf.subarray(FILE_OFF, FILE_OFF + 128)),
    options,
  };
}

interface Layout {
  main: Uint8Array[];
  file: Uint8Array[] | null;
  sname: Uint8Array[] | null;
  length: number;
}

const sum = (list: Uint8Array[]): number => list.reduce((n, c) => n + c.length, 0);

/**
 * Where each TLV goes: everything in `options` if it fits in maxLength; otherwise option 52
 * plus option 82 stay in `options` and the rest overflow into `file`, then `sname`
 * (RFC 2131 §4.1, RFC 3396 keeps the order main → file → sname).
 */
function layout(p: DhcpPacket, maxLength: number): Layout {
  const chunks = orderForWire(p.options).flatMap(optionChunks);
  const mainRoom = maxLength - OPTIONS_OFF - 1; // END
  const total = sum(chunks);
  const finish = (main: Uint8Array[], file: Uint8Array[] | null, sname: Uint8Array[] | null): Layout => ({
    main,
    file,
    sname,
    length: Math.max(BOOTP_MIN_LEN, OPTIONS_OFF + sum(main) + 1),
  });
  if (total <= mainRoom) return finish(chunks, null, null);
  const agent = p.options.filter((o) => o.code === Opt.RELAY_AGENT_INFO).flatMap(optionChunks);
  const rest = chunks.slice(0, chunks.length - agent.length);
  const canFile = p.file === '';
  const canSname = p.sname === '';
  let room = mainRoom - 3 - sum(agent);
  const main: Uint8Array[] = [];
  const file: Uint8Array[] = [];
  const sname: Uint8Array[] = [];
  let fileRoom = canFile ? 127 : 0;
  let snameRoom = canSname ? 63 : 0;
  for (const c of rest) {
    if (c.length <= room && file.length === 0 && sname.length === 0) {
      main.push(c);
      room -= c.length;
    } else if (c.length <= fileRoom && sname.length === 0) {
      file.push(c);
      fileRoom -= c.length;
    } else if (c.length <= snameRoom) {
      sname.push(c);
      snameRoom -= c.length;
    } else {
      throw new RangeError(`DHCP options (${total} bytes) do not fit in a ${maxLength}-byte message`);
    }
  }
  const bits = (file.length ? 1 : 0) | (sname.length ? 2 : 0);
  const overload = Uint8Array.of(Opt.OVERLOAD, 1, bits);
  return finish([overload, ...main, ...agent], file.length ? file : null, sname.length ? sname : null);
}

/** Bytes `encodePacket` will produce (padded to the 300-byte BOOTP minimum). */
export function encodingLength(p: DhcpPacket, opts: EncodeOptions = {}): number {
  return layout(p, opts.maxLength ?? DEFAULT_MAX_LEN).length;
}

function writeArea(out: Uint8Array, off: number, chunks: Uint8Array[]): number {
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  out[off] = Opt.END;
  return off + 1;
}

/**
 * The common case, without the per-option TLV arrays of `layout`: every option under 256
 * bytes, no option 52 asked for, and all of them fitting in `options`. Returns their wire
 * length then, else undefined (use `layout`).
 */
function directOptionsLength(p: DhcpPacket, maxLength: number): number | undefined {
  let total = 0;
  for (const o of p.options) {
    if (o.data.length > 255 || o.code <= Opt.PAD || o.code >= Opt.END || o.code === Opt.OVERLOAD) return undefined;
    total += 2 + o.data.length;
  }
  return total <= maxLength - OPTIONS_OFF - 1 ? total : undefined;
}

/** The fixed BOOTP header (op … chaddr) and the DHCP magic cookie. */
function writeHeader(out: Uint8Array, p: DhcpPacket): void {
  out[0] = p.op;
  out[1] = p.htype;
  out[2] = p.hlen;
  out[3] = p.hops;
  putU32(out, 4, p.xid);
  out[8] = p.secs >>> 8;
  out[9] = p.secs;
  out[10] = p.flags >>> 8;
  out[11] = p.flags;
  parseIp(p.ciaddr, out, 12);
  parseIp(p.yiaddr, out, 16);
  parseIp(p.siaddr, out, 20);
  parseIp(p.giaddr, out, 24);
  out.set(p.chaddr.subarray(0, 16), 28);
  putU32(out, HEADER_LEN, MAGIC_COOKIE);
}

function putU32(out: Uint8Array, off: number, n: number): void {
  out[off] = n >>> 24;
  out[off + 1] = n >>> 16;
  out[off + 2] = n >>> 8;
  out[off + 3] = n;
}

/**
 * A zeroed buffer from Node's shared pool: a new Uint8Array of 300+ bytes gets its own
 * off-heap ArrayBuffer, which costs an allocation and a finalizer in the next scavenge.
 */
const zeroed = (n: number): Uint8Array => Buffer.allocUnsafe(n).fill(0);

function encodeDirect(p: DhcpPacket, optionsLength: number): Uint8Array {
  const out = zeroed(Math.max(BOOTP_MIN_LEN, OPTIONS_OFF + optionsLength + 1));
  writeHeader(out, p);
  writeText(out, SNAME_OFF, 64, p.sname, 'sname');
  writeText(out, FILE_OFF, 128, p.file, 'file');
  let off = OPTIONS_OFF;
  const put = (o: DhcpOption): void => {
    out[off] = o.code;
    out[off + 1] = o.data.length;
    out.set(o.data, off + 2);
    off += 2 + o.data.length;
  };
  for (const o of p.options) if (o.code !== Opt.RELAY_AGENT_INFO) put(o);
  for (const o of p.options) if (o.code === Opt.RELAY_AGENT_INFO) put(o); // RFC 3046 §2.2: last
  out[off] = Opt.END;
  return out;
}

function writeText(out: Uint8Array, off: number, size: number, text: string, field: string): void {
  if (text === '') return; // the area is zeroed already
  const bytes = Buffer.from(text, 'latin1');
  if (bytes.length > size - 1) throw new RangeError(`${field} "${text}" is longer than ${size - 1} bytes`);
  out.set(bytes, off);
}

/** Encode a message: header, magic cookie, options (long ones split, 82 last), END, padding. */
export function encodePacket(p: DhcpPacket, opts: EncodeOptions = {}): Uint8Array {
  const maxLength = opts.maxLength ?? DEFAULT_MAX_LEN;
  const direct = directOptionsLength(p, maxLength);
  if (direct !== undefined) return encodeDirect(p, direct);
  const l = layout(p, maxLength);
  const out = zeroed(l.length);
  writeHeader(out, p);
  if (l.sname) writeArea(out, SNAME_OFF, l.sname);
  else writeText(out, SNAME_OFF, 64, p.sname, 'sname');
  if (l.file) writeArea(out, FILE_OFF, l.file);
  else writeText(out, FILE_OFF, 128, p.file, 'file');
  writeArea(out, OPTIONS_OFF, l.main);
  return out;
}
