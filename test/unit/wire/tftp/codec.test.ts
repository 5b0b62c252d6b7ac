import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../src/errors.js';
import { ackBlock, decode, encode, encodingLength, writeDataHeader } from '../../../../src/wire/tftp/codec.js';
import type { TftpPacket } from '../../../../src/wire/tftp/packet.js';

const bytes = (...parts: Array<number[] | string>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('TFTP codec', () => {
  it('decodes an RRQ with options of any case, in order', () => {
    const buf = bytes(
      [0, 1], // opcode RRQ
      'pxelinux.0\0', // filename
      'OCTET\0', // mode, case as sent
      'BlkSize\0', '1468\0', // RFC 2348
      'tsize\0', '0\0', // RFC 2349
    );
    expect(decode(buf)).toEqual({
      op: 'rrq',
      filename: 'pxelinux.0',
      mode: 'OCTET',
      options: [
        ['BlkSize', '1468'],
        ['tsize', '0'],
      ],
    });
  });

  it('decodes ACK, DATA and ERROR field by field', () => {
    expect(decode(bytes([0, 4], [0xff, 0xff]))).toEqual({ op: 'ack', block: 65535 });
    const data = decode(bytes([0, 3], [0x01, 0x02], 'abc'));
    expect(data).toMatchObject({ op: 'data', block: 258 });
    expect(Buffer.from((data as { data: Uint8Array }).data).toString()).toBe('abc');
    expect(decode(bytes([0, 5], [0, 5], 'Unknown transfer ID\0'))).toEqual({ op: 'error', code: 5, message: 'Unknown transfer ID' });
  });

  it.each([
    ['empty', bytes()],
    ['one byte', bytes([0])],
    ['unknown opcode 7', bytes([0, 7], 'x\0')],
    ['opcode 0', bytes([0, 0])],
    ['RRQ without mode', bytes([0, 1], 'file\0')],
    ['RRQ filename not terminated', bytes([0, 1], 'file')],
    ['RRQ option without value', bytes([0, 1], 'f\0octet\0blksize\0')],
    ['RRQ empty option name', bytes([0, 1], 'f\0octet\0\0x\0')],
    ['ACK too long', bytes([0, 4], [0, 1, 0])],
    ['ACK too short', bytes([0, 4], [0])],
    ['DATA without block', bytes([0, 3], [1])],
    ['ERROR without message', bytes([0, 5], [0, 1])],
    ['ERROR message not terminated', bytes([0, 5], [0, 1], 'oops')],
    ['ERROR data after message', bytes([0, 5], [0, 1], 'a\0b\0')],
  ])('rejects %s with DecodeError', (_name, buf) => {
    expect(() => decode(buf)).toThrow(DecodeError);
  });

  it('ackBlock reads only well-formed 4-byte ACKs', () => {
    expect(ackBlock(bytes([0, 4], [1, 0]))).toBe(256);
    expect(ackBlock(bytes([0, 3], [1, 0]))).toBe(-1);
    expect(ackBlock(bytes([0, 4], [1, 0, 0]))).toBe(-1);
  });

  it('writeDataHeader writes opcode 3 and the block modulo 65536', () => {
    const b = Buffer.alloc(4);
    writeDataHeader(b, 65536 & 0xffff);
    expect([...b]).toEqual([0, 3, 0, 0]);
    writeDataHeader(b, 0x1234);
    expect([...b]).toEqual([0, 3, 0x12, 0x34]);
  });

  it('refuses to encode a NUL inside a string', () => {
    expect(() => encode({ op: 'error', code: 0, message: 'a\0b' })).toThrow(RangeError);
  });
});

const str = fc.string({ unit: fc.integer({ min: 1, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 40 });
const option = fc.tuple(str.filter((s) => s.length > 0), str);
const packet: fc.Arbitrary<TftpPacket> = fc.oneof(
  fc.record({ op: fc.constantFrom('rrq' as const, 'wrq' as const), filename: str, mode: str, options: fc.array(option, { maxLength: 5 }) }),
  fc.record({ op: fc.constant('data' as const), block: fc.integer({ min: 0, max: 65535 }), data: fc.uint8Array({ maxLength: 600 }) }),
  fc.record({ op: fc.constant('ack' as const), block: fc.integer({ min: 0, max: 65535 }) }),
  fc.record({ op: fc.constant('error' as const), code: fc.integer({ min: 0, max: 65535 }), message: str }),
  fc.record({ op: fc.constant('oack' as const), options: fc.array(option, { maxLength: 5 }) }),
);

describe('TFTP codec properties', () => {
  it('encode → decode round-trips, predicted length = bytes written, re-encode is identical', () => {
    fc.assert(
      fc.property(packet, (p) => {
        const buf = encode(p);
        expect(buf.length).toBe(encodingLength(p));
        const back = decode(buf);
        expect(encode(back).equals(buf)).toBe(true);
        if (p.op === 'data') expect(Buffer.from((back as typeof p).data).equals(Buffer.from(p.data))).toBe(true);
        else expect(back).toEqual(p);
      }),
      { numRuns: 500 },
    );
  });

  it('random and truncated input either decodes or throws DecodeError, nothing else', () => {
    const check = (b: Uint8Array): void => {
      try {
        const p = decode(b);
        expect(encode(p).equals(Buffer.from(b))).toBe(true);
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), check), { numRuns: 2000 });
    fc.assert(
      fc.property(packet, fc.nat(), (p, cut) => {
        const buf = encode(p);
        check(buf.subarray(0, cut % (buf.length + 1)));
      }),
      { numRuns: 1000 },
    );
  });
});
