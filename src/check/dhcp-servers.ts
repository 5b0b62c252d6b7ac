import type { DhcpConfig } from '../dhcp/config.js';
import {
  BOOTREPLY,
  BOOTREQUEST,
  decodePacket,
  encodePacket,
  FLAG_BROADCAST,
  formatMac,
  macToChaddr,
  MessageType,
  messageTypeName,
  Opt,
  option,
  read,
  type DhcpPacket,
} from '../wire/dhcp/index.js';
import { ok, warn, type CheckResult } from './result.js';

/** What one server answered to the probe's DHCPDISCOVER. */
export interface DhcpAnswer {
  /** Source address of the reply datagram. */
  from: string;
  /** Option 54; undefined for a BOOTP-style reply without it. */
  serverId: string | undefined;
  type: string;
  yiaddr: string;
  /** siaddr: the next server (TFTP) the reply names. */
  nextServer: string;
  /** Option 67, else the `file` field. */
  bootFile: string;
  /** Option 60 of the reply: "PXEClient" in a proxy offer (PXE spec §2.2.1). */
  vendorClass: string | undefined;
}

/**
 * The DHCPDISCOVER a PXE ROM sends (PXE spec §2.2.1): broadcast flag set so every server
 * broadcasts its OFFER back (we hold no address to unicast to), vendor class PXEClient,
 * option 93 (arch 0, x86 BIOS), 94 (UNDI 2.1) and 97 (a client UUID), so proxy DHCP servers
 * answer too.
 */
export function buildDiscover(mac: string, xid: number, uuid: Uint8Array): Uint8Array {
  const p: DhcpPacket = {
    op: BOOTREQUEST,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid,
    secs: 4,
    flags: FLAG_BROADCAST,
    ciaddr: '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: '0.0.0.0',
    chaddr: macToChaddr(mac),
    sname: '',
    file: '',
    options: [
      option.messageType(MessageType.DISCOVER),
      option.u16(Opt.MAX_MESSAGE_SIZE, 1472),
      option.raw(Opt.PARAMETER_LIST, Uint8Array.of(1, 2, 3, 5, 6, 11, 12, 13, 15, 16, 17, 18, 43, 54, 60, 66, 67, 128, 129, 130, 131, 132, 133, 134, 135)),
      option.raw(Opt.CLIENT_UUID, Uint8Array.from([0, ...uuid])),
      option.raw(Opt.CLIENT_NDI, Uint8Array.of(1, 2, 1)),
      option.u16(Opt.CLIENT_ARCH, 0),
      option.text(Opt.VENDOR_CLASS, 'PXEClient:Arch:00000:UNDI:002001'),
    ],
  };
  return encodePacket(p);
}

/** A reply to our DISCOVER (same xid and chaddr, BOOTREPLY), or undefined for anything else on port 68. */
export function parseAnswer(buf: Uint8Array, from: string, xid: number, mac: string): DhcpAnswer | undefined {
  let p: DhcpPacket;
  try {
    p = decodePacket(buf);
  } catch {
    return undefined; // not DHCP, or malformed: not an answer we can name
  }
  if (p.op !== BOOTREPLY || p.xid !== xid || formatMac(p.chaddr, p.hlen) !== mac) return undefined;
  let serverId: string | undefined;
  try {
    serverId = read.ip(p, Opt.SERVER_ID);
  } catch {
    serverId = undefined;
  }
  const type = read.messageType(p);
  return {
    from,
    serverId,
    type: type === undefined ? 'bootp' : messageTypeName(type),
    yiaddr: p.yiaddr,
    nextServer: p.siaddr,
    bootFile: read.text(p, Opt.BOOTFILE_NAME) ?? p.file,
    vendorClass: read.text(p, Opt.VENDOR_CLASS),
  };
}

/** One line about one answer: who, and what it offered. */
export function describeAnswer(a: DhcpAnswer): string {
  const who = a.serverId && a.serverId !== a.from ? `${a.serverId} (from ${a.from})` : (a.serverId ?? a.from);
  const parts = [a.yiaddr !== '0.0.0.0' ? `address ${a.yiaddr}` : 'no address (proxy offer)'];
  parts.push(a.nextServer !== '0.0.0.0' ? `next-server ${a.nextServer}` : 'no next-server');
  parts.push(a.bootFile ? `boot file ${a.bootFile}` : 'no boot file');
  return `${who} ${a.type}ed ${parts.join(', ')}`;
}

/** Keep one answer per server (a server may repeat its OFFER, or answer from two addresses). */
export function distinctAnswers(list: readonly DhcpAnswer[]): DhcpAnswer[] {
  const seen = new Set<string>();
  return list.filter((a) => {
    const key = `${a.serverId ?? ''}|${a.from}|${a.yiaddr}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The verdict on who answered, by dhcp.mode. rackboot's own running instance (server
 * identifier = serverAddress) is named as such, never as a rogue.
 * - full: any other server is a warn: two servers answer every PXE client and fight.
 * - proxy: another server is expected (it gives the address); none at all is a warn.
 * - off: another server must give addresses and point nodes at rackboot; none is a warn.
 */
export function judgeAnswers(answers: readonly DhcpAnswer[], mode: DhcpConfig['mode'], serverAddress: string, iface: string, waitS: number): CheckResult {
  const check = 'dhcp-servers';
  const list = distinctAnswers(answers);
  const ours = list.filter((a) => a.serverId === serverAddress || (a.serverId === undefined && a.from === serverAddress));
  const others = list.filter((a) => !ours.includes(a));
  const selfNote = ours.length ? `; rackboot itself (running, ${serverAddress}) answered too: ${ours.map(describeAnswer).join('; ')}` : '';
  const named = others.map(describeAnswer).join('; ');
  const within = `within ${waitS} s on ${iface}`;
  if (others.length === 0) {
    if (mode === 'full') return ok(check, `no other DHCP server answered ${within}${selfNote}`);
    return warn(check, `no other DHCP server answered ${within}${selfNote}: with dhcp.mode ${mode} nodes need one to give them an address`);
  }
  if (mode === 'full') {
    return warn(check, `${others.length} other DHCP server(s) answer ${iface}: ${named}. rackboot is in full mode: two servers will fight over every PXE client (stop the other one, restrict it to other MACs, or use dhcp.mode proxy)${selfNote}`);
  }
  if (mode === 'proxy') return ok(check, `${named} (expected in proxy mode: it gives the address, rackboot adds the boot information)${selfNote}`);
  return ok(check, `${named} (dhcp.mode off: it must send nodes to next-server ${serverAddress})${selfNote}`);
}

/** The check did not run: why, as a warn (a check that cannot run must not pass silently). */
export const probeSkipped = (why: string): CheckResult => warn('dhcp-servers', `not checked: ${why}`);
