import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalMac, parseMac, pxelinuxMacName } from '../../../src/inventory/mac.js';
import { formatMac } from '../../../src/wire/dhcp/ip.js';
import { ValidationError } from '../../../src/errors.js';

describe('parseMac', () => {
  it.each([
    ['00:02:b3:3f:78:8c'],
    ['00-02-B3-3F-78-8C'],
    ['0002.b33f.788c'],
    ['0002B33F788C'],
    [' 00:02:B3:3f:78:8C '],
  ])('accepts %s as 00:02:b3:3f:78:8c', (input) => {
    expect(parseMac(input)).toBe('00:02:b3:3f:78:8c');
  });

  it.each([
    ['00:02:b3:3f:78', '10 hex digits'],
    ['00:02:b3:3f:78:8c:11', '14 hex digits'],
    ['00:02:b3:3f:78:8g', 'characters other than hex'],
    ['00:02-b3:3f:78:8c', 'separators'],
    ['0:2:b3:3f:78:8c', '10 hex digits'],
    ['', '0 hex digits'],
  ])('refuses %s, saying %s', (input, why) => {
    expect(() => parseMac(input)).toThrow(ValidationError);
    expect(() => parseMac(input)).toThrow(why);
  });

  it('round-trips every MAC through every accepted form', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (bytes) => {
        const hex = Buffer.from(bytes).toString('hex');
        const canonical = hex.match(/../g)!.join(':');
        expect(parseMac(hex.toUpperCase())).toBe(canonical);
        expect(parseMac(canonical.replace(/:/g, '-').toUpperCase())).toBe(canonical);
        expect(parseMac(hex.match(/..../g)!.join('.'))).toBe(canonical);
      }),
    );
  });

  it('gives the pxelinux per-MAC config name', () => {
    expect(pxelinuxMacName('00:02:b3:3f:78:8c')).toBe('01-00-02-b3-3f-78-8c');
  });

  it('canonicalMac agrees with parseMac on any input, and formatMac writes the canonical form', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 20 }), fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => formatMac(b))), (t) => {
        let want: string | undefined;
        try {
          want = parseMac(t);
        } catch {
          want = undefined;
        }
        expect(canonicalMac(t)).toBe(want);
      }),
    );
    expect(canonicalMac('00-02-B3-3F-78-8C')).toBe('00:02:b3:3f:78:8c');
    expect(formatMac(Uint8Array.of(0, 2, 0xb3, 0x3f, 0x78, 0x8c, 1, 2), 6)).toBe('00:02:b3:3f:78:8c');
    expect(formatMac(Uint8Array.of(0xff, 1), 2)).toBe('ff:01');
    expect(formatMac(new Uint8Array(16), 0)).toBe('');
  });
});
