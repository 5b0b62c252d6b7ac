import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, encode, encodingLength } from '../../../../src/wire/tftp/codec.js';
import { describePacket } from '../../../../src/wire/tftp/describe.js';

const dir = join(import.meta.dirname, '../../../golden/tftp');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.hex'))
  .map((f) => f.slice(0, -4));

describe('TFTP golden packets from real clients and tftpd-hpa', () => {
  it('has the captured set', () => {
    expect(names.length).toBeGreaterThanOrEqual(9);
  });
  for (const name of names) {
    it(`${name}: decodes to the checked-in rendering and re-encodes to the same bytes`, () => {
      const bytes = Buffer.from(readFileSync(join(dir, `${name}.hex`), 'utf8').trim(), 'hex');
      const packet = decode(bytes);
      expect(describePacket(packet)).toBe(readFileSync(join(dir, `${name}.txt`), 'utf8'));
      expect(encodingLength(packet)).toBe(bytes.length);
      expect(encode(packet).equals(bytes)).toBe(true);
    });
  }
});
