import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIp, intToIp, ipToInt, parseIp } from '../../../../src/wire/dhcp/ip.js';

/** The rule parseIp implements by hand, as a regular expression: the reference for the property test. */
const reference = (t: string): boolean => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(t) && t.split('.').every((p) => Number(p) <= 255);

describe('parseIp / ipToInt', () => {
  it('parses dotted quads, including leading zeros and the extremes', () => {
    expect([...parseIp('10.64.0.1')]).toEqual([10, 64, 0, 1]);
    expect([...parseIp('255.255.255.255')]).toEqual([255, 255, 255, 255]);
    expect([...parseIp('010.000.1.01')]).toEqual([10, 0, 1, 1]);
    expect(ipToInt('10.127.255.250')).toBe(0x0a7ffffa);
    expect(intToIp(ipToInt('192.168.7.9'))).toBe('192.168.7.9');
  });

  it.each(['', '1.2.3', '1.2.3.4.5', '1..2.3', '.1.2.3', '1.2.3.', '256.1.1.1', '1.2.3.256', '1.2.3.1000', '0001.2.3.4', ' 1.2.3.4', '1.2.3.4\n', '1.2.3.a', '１.2.3.4', '1,2,3,4'])(
    'refuses %j',
    (t) => expect(() => parseIp(t)).toThrow(RangeError),
  );

  it('accepts exactly what the reference rule accepts, and round-trips through formatIp', () => {
    const quadish = fc.array(fc.constantFrom('0', '1', '2', '5', '9', '.', 'x'), { maxLength: 17 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.oneof(quadish, fc.string({ maxLength: 20 })), (t) => {
        let ok = true;
        let bytes: Uint8Array | undefined;
        try {
          bytes = parseIp(t);
        } catch {
          ok = false;
        }
        expect(ok).toBe(reference(t));
        if (bytes) expect(formatIp(bytes)).toBe(t.split('.').map(Number).join('.'));
      }),
      { numRuns: 5000 },
    );
  });
});
