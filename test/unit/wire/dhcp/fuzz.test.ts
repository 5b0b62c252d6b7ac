import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../src/errors.js';
import { describeClient } from '../../../../src/dhcp/client.js';
import { decodePacket, decodePxeVendorOptions, decodeRelayAgentInfo, encodePacket, renderPacket } from '../../../../src/wire/dhcp/index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const golden = readFileSync(join(import.meta.dirname, '../../../golden/dhcp/ipxe-rom-discover.bin'));

/** Decode then walk everything the server reads: a value or one DecodeError, nothing else. */
function decodeOrDecodeError(bytes: Uint8Array): void {
  try {
    const p = decodePacket(bytes);
    describeClient(p);
    renderPacket(p);
    encodePacket(p);
  } catch (e) {
    if (e instanceof RangeError && /do not fit|longer than/.test(e.message)) return; // encoding our own reply, not decoding
    expect(e).toBeInstanceOf(DecodeError);
  }
}

describe('decoders return a value or throw DecodeError', () => {
  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 700 }), (b) => decodeOrDecodeError(b)), { numRuns: 2000 });
  });

  it('random options after a valid header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (opts) => {
        const b = new Uint8Array(240 + opts.length);
        b.set(golden.subarray(0, 240));
        b.set(opts, 240);
        decodeOrDecodeError(b);
      }),
      { numRuns: 3000 },
    );
  });

  it('every truncation and single-byte corruption of a real iPXE DISCOVER', () => {
    for (let n = 0; n <= golden.length; n++) decodeOrDecodeError(golden.subarray(0, n));
    fc.assert(
      fc.property(fc.nat(golden.length - 1), fc.integer({ min: 0, max: 255 }), (i, v) => {
        const b = Uint8Array.from(golden);
        b[i] = v;
        decodeOrDecodeError(b);
      }),
      { numRuns: 3000 },
    );
  });

  it('sub-option decoders (43, 82)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        for (const f of [decodePxeVendorOptions, decodeRelayAgentInfo]) {
          try {
            f(b);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
