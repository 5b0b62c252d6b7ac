import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NetasciiEncoder, fromNetascii, netasciiLength, toNetascii } from '../../../../src/wire/tftp/netascii.js';

describe('netascii (RFC 1350 / RFC 764)', () => {
  it('turns LF into CR LF and a bare CR into CR NUL, like tftpd-hpa', () => {
    // Same input and output as test/golden/tftp/data-tftpd-hpa-{octet,netascii}.
    expect(toNetascii(Buffer.from('line one\nline two\r\n')).toString('hex')).toBe('6c696e65206f6e650d0a6c696e652074776f0d000d0a');
  });

  it('splits a pair across outputs of any size and loses nothing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 23 }), (input, inChunk, outSize) => {
        const enc = new NetasciiEncoder();
        const parts: Buffer[] = [];
        let r = 0;
        for (;;) {
          const out = Buffer.alloc(outSize);
          const { consumed, written } = enc.convert(input.subarray(r, Math.min(input.length, r + inChunk)), out);
          r += consumed;
          parts.push(out.subarray(0, written));
          if (r >= input.length && !enc.hasPending) break;
        }
        const all = Buffer.concat(parts);
        expect(all.length).toBe(netasciiLength(input));
        expect(all.equals(toNetascii(input))).toBe(true);
        expect(fromNetascii(all).equals(Buffer.from(input))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
