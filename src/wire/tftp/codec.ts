import { DecodeError } from '../../errors.js';
import {
  Opcode,
  type AckPacket,
  type DataPacket,
  type ErrorPacket,
  type TftpOptions,
  type TftpPacket,
} from './packet.js';

/**
 * TFTP codec: encode / decode / encodingLength. `decode` either returns a packet that
 * re-encodes to the same bytes, or throws DecodeError.
 */

const OPCODES: Record<TftpPacket['op'], number> = {
  rrq: Opcode.RRQ,
  wrq: Opcode.WRQ,
  data: Opcode.DATA,
  ack: Opcode.ACK,
  error: Opcode.ERROR,
  oack: Opcode.OACK,
};

const strLen = (s: string): number => Buffer.byteLength(s, 'latin1') + 1;
const optionsLen = (o: TftpOptions): number => o.reduce((n, [k, v]) => n + strLen(k) + strLen(v), 0);

export function encodingLength(p: TftpPacket): number {
  switch (p.op) {
    case 'rrq':
    case 'wrq':
      return 2 + strLen(p.filename) + strLen(p.mode) + optionsLen(p.options);
    case 'data':
      return 4 + p.data.length;
    case 'ack':
      return 4;
    case 'error':
      return 4 + strLen(p.message);
    case 'oack':
      return 2 + optionsLen(p.options);
  }
}

function writeStr(buf: Buffer, s: string, at: number): number {
  if (s.includes('\0')) throw new RangeError('TFTP strings cannot contain NUL');
  at += buf.write(s, at, 'latin1');
  buf[at] = 0;
  return at + 1;
}

function writeOptions(buf: Buffer, options: TftpOptions, at: number): number {
  for (const [k, v] of options) at = writeStr(buf, v, writeStr(buf, k, at));
  return at;
}

/** Encode into `buf` (allocated when absent) at `offset`; returns the packet bytes. */
export function encode(p: TftpPacket, buf?: Buffer, offset = 0): Buffer {
  const len = encodingLength(p);
  const out = buf ?? Buffer.allocUnsafe(len + offset);
  out.writeUInt16BE(OPCODES[p.op], offset);
  let at = offset + 2;
  switch (p.op) {
    case 'rrq':
    case 'wrq':
      at = writeOptions(out, p.options, writeStr(out, p.mode, writeStr(out, p.filename, at)));
      break;
    case 'data':
      out.writeUInt16BE(p.block, at);
      out.set(p.data, at + 2);
      at += 2 + p.data.length;
      break;
    case 'ack':
      out.writeUInt16BE(p.block, at);
      at += 2;
      break;
    case 'error':
      out.writeUInt16BE(p.code, at);
      at = writeStr(out, p.message, at + 2);
      break;
    case 'oack':
      at = writeOptions(out, p.options, at);
      break;
  }
  return out.subarray(offset, at);
}

/** NUL-terminated latin1 strings from `at` to the end of the packet. */
function readStrings(buf: Uint8Array, at: number, what: string): string[] {
  const out: string[] = [];
  while (at < buf.length) {
    const nul = buf.indexOf(0, at);
    if (nul < 0) throw new DecodeError(`${what}: string at offset ${at} is not NUL-terminated`);
    out.push(Buffer.from(buf.buffer, buf.byteOffset + at, nul - at).toString('latin1'));
    at = nul + 1;
  }
  return out;
}

function pairs(fields: string[], what: string): Array<[string, string]> {
  if (fields.length % 2 !== 0) throw new DecodeError(`${what}: option "${fields[fields.length - 1]}" has no value`);
  const out: Array<[string, string]> = [];
  for (let i = 0; i < fields.length; i += 2) {
    if (fields[i] === '') throw new DecodeError(`${what}: empty option name`);
    out.push([fields[i]!, fields[i + 1]!]);
  }
  return out;
}

export function decode(buf: Uint8Array): TftpPacket {
  if (buf.length < 2) throw new DecodeError(`TFTP packet too short (${buf.length} bytes)`);
  const op = (buf[0]! << 8) | buf[1]!;
  switch (op) {
    case Opcode.RRQ:
    case Opcode.WRQ: {
      const what = op === Opcode.RRQ ? 'RRQ' : 'WRQ';
      const fields = readStrings(buf, 2, what);
      if (fields.length < 2) throw new DecodeError(`${what}: missing filename or mode`);
      const [filename, mode, ...rest] = fields as [string, string, ...string[]];
      return { op: op === Opcode.RRQ ? 'rrq' : 'wrq', filename, mode, options: pairs(rest, what) };
    }
    case Opcode.DATA:
      if (buf.length < 4) throw new DecodeError('DATA: shorter than its 4-byte header');
      return { op: 'data', block: (buf[2]! << 8) | buf[3]!, data: buf.subarray(4) } satisfies DataPacket;
    case Opcode.ACK:
      if (buf.length !== 4) throw new DecodeError(`ACK: ${buf.length} bytes, expected 4`);
      return { op: 'ack', block: (buf[2]! << 8) | buf[3]! } satisfies AckPacket;
    case Opcode.ERROR: {
      if (buf.length < 5) throw new DecodeError('ERROR: missing code or message');
      const fields = readStrings(buf, 4, 'ERROR');
      if (fields.length !== 1) throw new DecodeError('ERROR: data after the message');
      return { op: 'error', code: (buf[2]! << 8) | buf[3]!, message: fields[0]! } satisfies ErrorPacket;
    }
    case Opcode.OACK:
      return { op: 'oack', options: pairs(readStrings(buf, 2, 'OACK'), 'OACK') };
    default:
      throw new DecodeError(`unknown TFTP opcode ${op}`);
  }
}

/** Fast path for the transfer loop: the block number of a 4-byte ACK, else -1. */
export function ackBlock(buf: Uint8Array): number {
  return buf.length === 4 && buf[0] === 0 && buf[1] === Opcode.ACK ? (buf[2]! << 8) | buf[3]! : -1;
}

/** Write a DATA header (opcode 3, block) at the start of `buf`. */
export function writeDataHeader(buf: Buffer, block: number): void {
  buf[0] = 0;
  buf[1] = Opcode.DATA;
  buf[2] = (block >>> 8) & 0xff;
  buf[3] = block & 0xff;
}
