import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decode, encode, encodingLength, encodeDataHeader, newBitmap, bitIsSet, bitSet, type Message } from '../../../../src/wire/udpcast/index.js';
import { DecodeError } from '../../../../src/errors.js';
import { loadGolden } from './golden.js';

const golden = loadGolden();
const ready0 = newBitmap();
bitSet(ready0, 0);
const received1 = newBitmap();
bitSet(received1, 1);

const expected: Record<string, Message> = {
  'connect-req': { op: 'connect-req', capabilities: 9, rcvbuf: 212992 },
  hello: { op: 'hello', capabilities: 9, group: '234.77.0.1', blockSize: 1456 },
  'connect-reply': { op: 'connect-reply', client: 1, blockSize: 1456, capabilities: 9, group: '234.77.0.1' },
  data: { op: 'data', slice: 0, block: 0, bytes: 10, payload: Buffer.from('rackboot!\n') },
  reqack: { op: 'reqack', slice: 0, bytes: 2912, round: 1, readySet: ready0 },
  'reqack-end': { op: 'reqack', slice: 3, bytes: 0, round: 0, readySet: newBitmap() },
  ok: { op: 'ok', slice: 2 },
  retransmit: { op: 'retransmit', slice: 0, round: 1, received: received1 },
  disconnect: { op: 'disconnect' },
};

describe('udpcast codec against captured udp-sender/udp-receiver datagrams', () => {
  it('has every golden datagram', () => {
    expect([...golden.keys()].sort()).toEqual(Object.keys(expected).sort());
  });
  for (const [name, msg] of Object.entries(expected)) {
    it(`${name}: decodes, predicts its length, and re-encodes byte for byte`, () => {
      const bytes = golden.get(name)!;
      const decoded = decode(bytes);
      expect({ ...decoded, ...('payload' in decoded ? { payload: Buffer.from(decoded.payload) } : {}) }).toEqual(msg);
      expect(encodingLength(decoded)).toBe(bytes.length);
      expect(encode(decoded).equals(bytes)).toBe(true);
      expect(encode(msg).equals(bytes)).toBe(true);
    });
  }
  it('bitmaps are LSB-first as the stock programs write them', () => {
    const rx = decode(golden.get('retransmit')!);
    expect(rx.op === 'retransmit' && bitIsSet(rx.received, 1) && !bitIsSet(rx.received, 0)).toBe(true);
    expect(golden.get('retransmit')![12]).toBe(0x02);
    expect(golden.get('reqack')![16]).toBe(0x01);
  });
  it('a refused CONNECT_REPLY carries client −1', () => {
    const bytes = encode({ op: 'connect-reply', client: -1, blockSize: 1456, capabilities: 9, group: '234.77.0.1' });
    expect(bytes.subarray(4, 8).toString('hex')).toBe('ffffffff');
    expect(decode(bytes)).toMatchObject({ client: -1 });
  });
  it('encodeDataHeader matches the DATA header of the capture', () => {
    expect(encodeDataHeader(0, 0, 10).equals(golden.get('data')!.subarray(0, 16))).toBe(true);
  });
});

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bitmap = fc.uint8Array({ minLength: 128, maxLength: 128 });
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
const payload = fc.uint8Array({ minLength: 1, maxLength: 1456 });
const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ op: fc.constant('ok' as const), slice: u32 }),
  fc.record({ op: fc.constant('retransmit' as const), slice: u32, round: u32, received: bitmap }),
  fc.constant({ op: 'go' as const }),
  fc.constant({ op: 'disconnect' as const }),
  fc.record({ op: fc.constant('connect-req' as const), capabilities: u32, rcvbuf: u32 }),
  fc.record({ op: fc.constant('hello' as const), capabilities: u32, group: ipv4, blockSize: fc.nat(0xffff) }),
  fc.record({ op: fc.constant('connect-reply' as const), client: fc.integer({ min: -1, max: 1023 }), blockSize: u32, capabilities: u32, group: ipv4 }),
  fc.record({ op: fc.constant('reqack' as const), slice: u32, bytes: u32, round: u32, readySet: bitmap }),
  fc.record({ op: fc.constant('data' as const), slice: u32, block: fc.nat(1023), bytes: u32, payload }),
  fc.record({ op: fc.constant('fec' as const), stripes: fc.nat(128), slice: u32, block: fc.nat(1023), bytes: u32, payload }),
);

const normalise = (m: Message) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v]));

describe('udpcast codec properties', () => {
  it('round-trips: length predicted, every byte consumed, identical re-encoding', () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = encode(m);
        expect(bytes.length).toBe(encodingLength(m));
        const back = decode(bytes);
        expect(normalise(back)).toEqual(normalise(m));
        expect(encode(back).equals(bytes)).toBe(true);
      }),
    );
  });
  it('random input decodes or throws DecodeError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decode(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
    );
  });
  it('every truncation of a fixed-size message is a DecodeError', () => {
    fc.assert(
      fc.property(message.filter((m) => m.op !== 'data' && m.op !== 'fec'), fc.nat(), (m, cut) => {
        const bytes = encode(m);
        const n = cut % bytes.length;
        expect(() => decode(bytes.subarray(0, n))).toThrow(DecodeError);
      }),
    );
  });
});
