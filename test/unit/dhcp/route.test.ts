import { describe, expect, it } from 'vitest';
import { routeReply } from '../../../src/dhcp/route.js';
import { FLAG_BROADCAST, MessageType, option, type DhcpPacket } from '../../../src/wire/dhcp/index.js';
import { request } from './fakes.js';

const reply = (type: number): DhcpPacket => ({ ...request(type, '02:00:00:00:00:01'), op: 2, options: [option.messageType(type)] });
const ctx = (bootServerPort = false) => ({ source: { address: '10.0.0.9', port: 68 }, bootServerPort, serverPort: 67, clientPort: 68 });

describe('routeReply (RFC 2131 §4.1)', () => {
  it.each([
    ['relayed OFFER → relay:67', { giaddr: '10.1.0.1' }, MessageType.OFFER, false, { kind: 'relay', address: '10.1.0.1', port: 67 }],
    ['relayed NAK → relay:67 too', { giaddr: '10.1.0.1', ciaddr: '10.1.0.7' }, MessageType.NAK, false, { kind: 'relay', address: '10.1.0.1', port: 67 }],
    ['NAK with ciaddr → broadcast', { ciaddr: '10.0.0.7' }, MessageType.NAK, false, { kind: 'broadcast', address: '255.255.255.255', port: 68 }],
    ['renewal ACK → unicast ciaddr', { ciaddr: '10.0.0.7' }, MessageType.ACK, false, { kind: 'unicast', address: '10.0.0.7', port: 68 }],
    ['OFFER, broadcast flag → broadcast', { flags: FLAG_BROADCAST }, MessageType.OFFER, false, { kind: 'broadcast', address: '255.255.255.255', port: 68 }],
    ['OFFER, no flag → broadcast (no ARP from a UDP socket)', {}, MessageType.OFFER, false, { kind: 'broadcast', address: '255.255.255.255', port: 68 }],
    ['port 4011 → back to the source', { ciaddr: '10.0.0.9' }, MessageType.ACK, true, { kind: 'source', address: '10.0.0.9', port: 68 }],
  ] as const)('%s', (_name, fields, type, bsp, want) => {
    const req = request(MessageType.REQUEST, '02:00:00:00:00:01', [], fields);
    expect(routeReply(req, reply(type), ctx(bsp))).toEqual(want);
  });

  it('a relayed NAK gets the broadcast flag so the relay broadcasts it (§4.3.2)', () => {
    const r = reply(MessageType.NAK);
    routeReply(request(MessageType.REQUEST, '02:00:00:00:00:01', [], { giaddr: '10.1.0.1' }), r, ctx());
    expect(r.flags & FLAG_BROADCAST).toBe(FLAG_BROADCAST);
  });
});
