import { BITMAP_BYTES, DATA_HEADER, OP, SIZE } from './constants.js';

/** Receiver → sender. */
export type ReceiverMessage =
  | { op: 'ok'; slice: number }
  | { op: 'retransmit'; slice: number; round: number; received: Uint8Array }
  | { op: 'go' }
  | { op: 'connect-req'; capabilities: number; rcvbuf: number }
  | { op: 'disconnect' };

/** Sender → receiver. `group` is the IPv4 data group (the first 4 of 16 address bytes). */
export type SenderMessage =
  | { op: 'hello'; capabilities: number; group: string; blockSize: number }
  | { op: 'connect-reply'; client: number; blockSize: number; capabilities: number; group: string }
  | { op: 'reqack'; slice: number; bytes: number; round: number; readySet: Uint8Array }
  | { op: 'data'; slice: number; block: number; bytes: number; payload: Uint8Array }
  | { op: 'fec'; stripes: number; slice: number; block: number; bytes: number; payload: Uint8Array };

export type Message = ReceiverMessage | SenderMessage;

const FIXED: Partial<Record<Message['op'], number>> = {
  ok: SIZE.OK,
  retransmit: SIZE.RETRANSMIT,
  go: SIZE.GO,
  'connect-req': SIZE.CONNECT_REQ,
  disconnect: SIZE.DISCONNECT,
  hello: SIZE.HELLO,
  'connect-reply': SIZE.CONNECT_REPLY,
  reqack: SIZE.REQACK,
};

export function encodingLength(m: Message): number {
  if (m.op === 'data' || m.op === 'fec') return DATA_HEADER + m.payload.length;
  return FIXED[m.op]!;
}

function writeIpv4(buf: Buffer, at: number, ip: string): void {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new RangeError(`not an IPv4 address: ${ip}`);
  }
  parts.forEach((p, i) => buf.writeUInt8(p, at + i));
}

function writeBitmap(buf: Buffer, at: number, map: Uint8Array): void {
  if (map.length !== BITMAP_BYTES) throw new RangeError(`bitmap must be ${BITMAP_BYTES} bytes`);
  buf.set(map, at);
}

/** The 16-byte DATA/FEC header alone, so the sender can send it with the payload as an iovec. */
export function encodeDataHeader(slice: number, block: number, bytes: number, opcode: number = OP.DATA, stripes = 0): Buffer {
  const buf = Buffer.alloc(DATA_HEADER);
  buf.writeUInt16BE(opcode, 0);
  buf.writeUInt16BE(stripes, 2);
  buf.writeUInt32BE(slice >>> 0, 4);
  buf.writeUInt16BE(block, 8);
  buf.writeUInt32BE(bytes >>> 0, 12);
  return buf;
}

/** Encode one message; fields are written big-endian, reserved and pad bytes zero. */
export function encode(m: Message): Buffer {
  const buf = Buffer.alloc(encodingLength(m));
  switch (m.op) {
    case 'ok':
      buf.writeUInt16BE(OP.OK, 0);
      buf.writeUInt32BE(m.slice >>> 0, 4);
      return buf;
    case 'retransmit':
      buf.writeUInt16BE(OP.RETRANSMIT, 0);
      buf.writeUInt32BE(m.slice >>> 0, 4);
      buf.writeUInt32BE(m.round >>> 0, 8);
      writeBitmap(buf, 12, m.received);
      return buf;
    case 'go':
      buf.writeUInt16BE(OP.GO, 0);
      return buf;
    case 'disconnect':
      buf.writeUInt16BE(OP.DISCONNECT, 0);
      return buf;
    case 'connect-req':
      buf.writeUInt16BE(OP.CONNECT_REQ, 0);
      buf.writeUInt32BE(m.capabilities >>> 0, 4);
      buf.writeUInt32BE(m.rcvbuf >>> 0, 8);
      return buf;
    case 'hello':
      buf.writeUInt16BE(OP.HELLO, 0);
      buf.writeUInt32BE(m.capabilities >>> 0, 4);
      writeIpv4(buf, 8, m.group);
      buf.writeUInt16BE(m.blockSize, 24); // @26: 2 bytes of struct padding
      return buf;
    case 'connect-reply':
      buf.writeUInt16BE(OP.CONNECT_REPLY, 0);
      buf.writeInt32BE(m.client, 4);
      buf.writeUInt32BE(m.blockSize, 8);
      buf.writeUInt32BE(m.capabilities >>> 0, 12);
      writeIpv4(buf, 16, m.group);
      return buf;
    case 'reqack':
      buf.writeUInt16BE(OP.REQACK, 0);
      buf.writeUInt32BE(m.slice >>> 0, 4);
      buf.writeUInt32BE(m.bytes >>> 0, 8);
      buf.writeUInt32BE(m.round >>> 0, 12);
      writeBitmap(buf, 16, m.readySet);
      return buf;
    case 'data':
    case 'fec': {
      const op = m.op === 'data' ? OP.DATA : OP.FEC;
      encodeDataHeader(m.slice, m.block, m.bytes, op, m.op === 'fec' ? m.stripes : 0).copy(buf, 0);
      buf.set(m.payload, DATA_HEADER);
      return buf;
    }
  }
}

