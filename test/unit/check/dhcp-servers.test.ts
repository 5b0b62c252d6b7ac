import { describe, expect, it } from 'vitest';
import { buildDiscover, judgeAnswers, parseAnswer, type DhcpAnswer } from '../../../src/check/dhcp-servers.js';
import { BOOTREPLY, decodePacket, encodePacket, getOption, MessageType, Opt, option, read } from '../../../src/wire/dhcp/index.js';

const MAC = '52:54:00:12:34:56';

function offer(xid: number, mac: string, serverId: string, yiaddr: string, file = 'pxelinux.0'): Uint8Array {
  const req = decodePacket(buildDiscover(mac, xid, new Uint8Array(16)));
  return encodePacket({
    ...req,
    op: BOOTREPLY,
    yiaddr,
    siaddr: serverId,
    file,
    options: [option.messageType(MessageType.OFFER), option.ip(Opt.SERVER_ID, serverId)],
  });
}

const answer = (serverId: string, yiaddr = '10.0.0.50', from = serverId): DhcpAnswer => ({ from, serverId, type: 'offer', yiaddr, nextServer: serverId, bootFile: 'pxelinux.0', vendorClass: undefined });

describe('the DHCP probe packets', () => {
  it('sends a PXE DISCOVER: broadcast flag, option 60 PXEClient, 93, 94 and 97', () => {
    const p = decodePacket(buildDiscover(MAC, 0x1234abcd, new Uint8Array(16).fill(7)));
    expect(p.xid).toBe(0x1234abcd);
    expect(p.flags & 0x8000).toBe(0x8000);
    expect(read.messageType(p)).toBe(MessageType.DISCOVER);
    expect(read.text(p, Opt.VENDOR_CLASS)).toMatch(/^PXEClient:Arch:00000/);
    expect([...getOption(p, Opt.CLIENT_ARCH)!]).toEqual([0, 0]);
    expect([...getOption(p, Opt.CLIENT_NDI)!]).toEqual([1, 2, 1]);
    expect(getOption(p, Opt.CLIENT_UUID)).toHaveLength(17);
  });

  it('takes only replies to its own xid and MAC', () => {
    const a = parseAnswer(offer(7, MAC, '10.0.0.5', '10.0.0.60'), '10.0.0.5', 7, MAC);
    expect(a).toEqual({ from: '10.0.0.5', serverId: '10.0.0.5', type: 'offer', yiaddr: '10.0.0.60', nextServer: '10.0.0.5', bootFile: 'pxelinux.0', vendorClass: undefined });
    expect(parseAnswer(offer(8, MAC, '10.0.0.5', '10.0.0.60'), '10.0.0.5', 7, MAC)).toBeUndefined();
    expect(parseAnswer(offer(7, '52:54:00:00:00:01', '10.0.0.5', '10.0.0.60'), '10.0.0.5', 7, MAC)).toBeUndefined();
    expect(parseAnswer(buildDiscover(MAC, 7, new Uint8Array(16)), '10.0.0.9', 7, MAC)).toBeUndefined(); // another client's request
    expect(parseAnswer(Uint8Array.of(1, 2, 3), '10.0.0.9', 7, MAC)).toBeUndefined();
  });
});

describe('the verdict on who answered', () => {
  it('full mode: another server is a warn naming it and its offer; none is ok', () => {
    const r = judgeAnswers([answer('10.0.0.5'), answer('10.0.0.5')], 'full', '10.0.0.1', 'eth1', 2);
    expect(r.status).toBe('warn');
    expect(r.message).toContain('1 other DHCP server(s) answer eth1: 10.0.0.5 offered address 10.0.0.50, next-server 10.0.0.5, boot file pxelinux.0');
    expect(judgeAnswers([], 'full', '10.0.0.1', 'eth1', 2)).toEqual({ check: 'dhcp-servers', status: 'ok', message: 'no other DHCP server answered within 2 s on eth1' });
  });

  it('rackboot itself answering (server identifier = serverAddress) is not a rogue', () => {
    const r = judgeAnswers([answer('10.0.0.1')], 'full', '10.0.0.1', 'eth1', 2);
    expect(r.status).toBe('ok');
    expect(r.message).toContain('rackboot itself (running, 10.0.0.1) answered too');
  });

  it('proxy mode: another server is expected (ok, named); none is a warn', () => {
    const r = judgeAnswers([answer('10.0.0.5')], 'proxy', '10.0.0.1', 'eth1', 2);
    expect(r.status).toBe('ok');
    expect(r.message).toMatch(/^10\.0\.0\.5 offered .*expected in proxy mode/);
    expect(judgeAnswers([], 'proxy', '10.0.0.1', 'eth1', 2).status).toBe('warn');
  });
});

describe('dhcpServersCheck without a configured interface', () => {
  it('sends nothing and says the check was skipped: a guessed interface may be a network rackboot must not probe', async () => {
    const { dhcpServersCheck } = await import('../../../src/check/run.js');
    const { parseConfig } = await import('../../../src/config.js');
    const r = await dhcpServersCheck(parseConfig({ dhcp: { mode: 'full' } }, '/tmp'), 1);
    expect(r).toEqual({ check: 'dhcp-servers', status: 'warn', message: 'not checked: no provisioning interface configured (set interface: or dhcp.interface:); nothing was sent' });
  });
});
