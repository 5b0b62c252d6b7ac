import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePacket, encodePacket, encodingLength, renderPacket } from '../../../../src/wire/dhcp/index.js';

const dir = join(import.meta.dirname, '../../../golden/dhcp');
const captures = readdirSync(dir).filter((f) => f.endsWith('.bin'));

describe('golden DHCP requests captured from real clients', () => {
  it('has the dhclient, udhcpc and iPXE ROM captures', () => {
    expect(captures.sort()).toEqual(['dhclient-discover.bin', 'ipxe-rom-discover.bin', 'udhcpc-discover.bin']);
  });

  for (const f of captures) {
    it(`${f}: decodes to the checked-in rendering and re-encodes to the same bytes`, () => {
      const bytes = readFileSync(join(dir, f));
      const p = decodePacket(bytes);
      expect(renderPacket(p)).toBe(readFileSync(join(dir, f.replace(/\.bin$/, '.txt')), 'utf8'));
      expect(encodingLength(p)).toBe(bytes.length);
      expect(Buffer.from(encodePacket(p)).equals(bytes)).toBe(true);
    });
  }

  it('the iPXE ROM is recognised as PXE, iPXE, BIOS, with a UUID', async () => {
    const { describeClient } = await import('../../../../src/dhcp/client.js');
    const c = describeClient(decodePacket(readFileSync(join(dir, 'ipxe-rom-discover.bin'))));
    expect(c).toMatchObject({ mac: '52:54:00:aa:bb:cc', pxe: true, ipxe: true, arch: 0, vendorClass: 'PXEClient:Arch:00000:UNDI:002001' });
    expect(c.uuid).toMatch(/^[0-9a-f]{8}-/);
  });
});
