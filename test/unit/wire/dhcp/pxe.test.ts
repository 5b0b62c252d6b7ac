import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../src/errors.js';
import {
  decodeClientArch,
  decodeClientNdi,
  decodeClientUuid,
  decodePacket,
  decodePxeVendorOptions,
  decodePxelinuxOptions,
  decodeRelayAgentInfo,
  encodePacket,
  encodePxeVendorOptions,
  encodePxelinuxOptions,
  agentIdText,
  macToChaddr,
  option,
  userClasses,
  MessageType,
} from '../../../../src/wire/dhcp/index.js';

describe('PXE options', () => {
  it('option 43 sub-options 1-10 and 71 round-trip', () => {
    const o = {
      mtftpIp: '224.1.2.3', mtftpClientPort: 1758, mtftpServerPort: 1759, mtftpTimeout: 5, mtftpDelay: 1,
      discoveryControl: 0x0b, discoveryMcastAddr: '224.0.1.2',
      bootServers: [{ type: 0x8000, ips: ['10.0.0.1', '10.0.0.2'] }],
      bootMenu: [{ type: 0x8000, description: 'rackboot' }],
      menuPrompt: { timeout: 3, prompt: 'Press F8' },
      bootItem: { type: 0x8000, layer: 0 },
    };
    const enc = encodePxeVendorOptions(o);
    expect(enc.data[enc.data.length - 1]).toBe(255);
    expect(decodePxeVendorOptions(enc.data)).toEqual({ ...o, other: new Map() });
  });

  it('discovery control is sub-option 6, one byte', () => {
    expect([...encodePxeVendorOptions({ discoveryControl: 8 }).data]).toEqual([6, 1, 8, 255]);
  });

  it('decodes 93, 94, 97', () => {
    expect(decodeClientArch(Uint8Array.of(0, 7, 0, 0))).toEqual([7, 0]);
    expect(decodeClientNdi(Uint8Array.of(1, 2, 1))).toEqual({ type: 1, major: 2, minor: 1 });
    const uuid = Uint8Array.from([0, ...Buffer.from('00112233445566778899aabbccddeeff', 'hex')]);
    expect(decodeClientUuid(uuid)).toBe('00112233-4455-6677-8899-aabbccddeeff');
    expect(() => decodeClientArch(Uint8Array.of(1))).toThrow(DecodeError);
    expect(() => decodeClientUuid(Uint8Array.of(1, 2))).toThrow(DecodeError);
  });

  it('option 82: circuit-id and remote-id, text or hex', () => {
    const a = decodeRelayAgentInfo(Uint8Array.from([1, 4, ...Buffer.from('r1p3'), 2, 2, 0xde, 0xad, 9, 1, 7]));
    expect(agentIdText(a.circuitId)).toBe('r1p3');
    expect(agentIdText(a.remoteId)).toBe('dead');
    expect(a.subs.get(9)).toEqual(Uint8Array.of(7));
  });

  it('user class: bare "iPXE" and RFC 3004 entries', () => {
    expect(userClasses(Uint8Array.from(Buffer.from('iPXE')))).toContain('iPXE');
    expect(userClasses(Uint8Array.from([4, ...Buffer.from('iPXE'), 3, ...Buffer.from('foo')]))).toEqual(expect.arrayContaining(['iPXE', 'foo']));
  });

  it('pxelinux 208-211 with the f1:00:74:7e magic', () => {
    const opts = encodePxelinuxOptions({ configFile: 'pxelinux.cfg/rack1', pathPrefix: '/tftpboot/', rebootTime: 300 });
    expect(opts.map((o) => o.code)).toEqual([208, 209, 210, 211]);
    expect(Buffer.from(opts[0]!.data).toString('hex')).toBe('f100747e');
    const p = decodePacket(
      encodePacket({
        op: 2, htype: 1, hlen: 6, hops: 0, xid: 1, secs: 0, flags: 0, ciaddr: '0.0.0.0', yiaddr: '0.0.0.0', siaddr: '0.0.0.0', giaddr: '0.0.0.0',
        chaddr: macToChaddr('02:00:00:00:00:01'), sname: '', file: '', options: [option.messageType(MessageType.ACK), ...opts],
      }),
    );
    expect(decodePxelinuxOptions(p)).toEqual({ configFile: 'pxelinux.cfg/rack1', pathPrefix: '/tftpboot/', rebootTime: 300 });
  });
});
