import { DecodeError } from '../../errors.js';
import { BITMAP_BYTES, DATA_HEADER, OP, SIZE } from './constants.js';
import type { Message } from './messages.js';

function need(buf: Buffer, size: number, name: string, exact = true): void {
  if (buf.length < size || (exact && buf.length !== size)) {
    throw new DecodeError(`udpcast ${name}: ${buf.length} bytes, expected ${exact ? '' : 'at least '}${size}`);
  }
}

const ipv4 = (buf: Buffer, at: number): string => `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`;
const bitmap = (buf: Buffer, at: number): Uint8Array => new Uint8Array(buf.subarray(at, at + BITMAP_BYTES));

/**
 * Decode one udpcast datagram. Sizes are checked exactly (the C structs have fixed size,
 * padding included); DATA/FEC carry 1..65535−16 payload bytes. Throws only DecodeError.
 */
export function decode(input: Uint8Array): Message {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length < 4) throw new DecodeError(`udpcast: ${buf.length}-byte datagram is too short for an opcode`);
  const op = buf.readUInt16BE(0);
  switch (op) {
    case OP.OK:
      need(buf, SIZE.OK, 'OK');
      return { op: 'ok', slice: buf.readUInt32BE(4) };
    case OP.RETRANSMIT:
      need(buf, SIZE.RETRANSMIT, 'RETRANSMIT');
      return { op: 'retransmit', slice: buf.readUInt32BE(4), round: buf.readUInt32BE(8), received: bitmap(buf, 12) };
    case OP.GO:
      need(buf, SIZE.GO, 'GO');
      return { op: 'go' };
    case OP.DISCONNECT:
      need(buf, SIZE.DISCONNECT, 'DISCONNECT');
      return { op: 'disconnect' };
    case OP.CONNECT_REQ:
      need(buf, SIZE.CONNECT_REQ, 'CONNECT_REQ');
      return { op: 'connect-req', capabilities: buf.readUInt32BE(4), rcvbuf: buf.readUInt32BE(8) };
    case OP.HELLO:
      need(buf, SIZE.HELLO, 'HELLO');
      return { op: 'hello', capabilities: buf.readUInt32BE(4), group: ipv4(buf, 8), blockSize: buf.readUInt16BE(24) };
    case OP.CONNECT_REPLY:
      need(buf, SIZE.CONNECT_REPLY, 'CONNECT_REPLY');
      return {
        op: 'connect-reply',
        client: buf.readInt32BE(4),
        blockSize: buf.readUInt32BE(8),
        capabilities: buf.readUInt32BE(12),
        group: ipv4(buf, 16),
      };
    case OP.REQACK:
      need(buf, SIZE.REQACK, 'REQACK');
      return {
        op: 'reqack',
        slice: buf.readUInt32BE(4),
        bytes: buf.readUInt32BE(8),
        round: buf.readUInt32BE(12),
        readySet: bitmap(buf, 16),
      };
    case OP.DATA:
    case OP.FEC: {
      const name = op === OP.DATA ? 'DATA' : 'FEC';
      need(buf, DATA_HEADER + 1, name, false);
      const common = {
        slice: buf.readUInt32BE(4),
        block: buf.readUInt16BE(8),
        bytes: buf.readUInt32BE(12),
        payload: buf.subarray(DATA_HEADER), // a view, not a copy: the receiver's hot path
      };
      return op === OP.DATA ? { op: 'data', ...common } : { op: 'fec', stripes: buf.readUInt16BE(2), ...common };
    }
    default:
      throw new DecodeError(`udpcast: unknown opcode 0x${op.toString(16).padStart(4, '0')}`);
  }
}
