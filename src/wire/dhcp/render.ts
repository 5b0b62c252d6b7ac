import { Opt, messageTypeName } from './codes.js';
import type { DhcpPacket } from './packet.js';
import type { DhcpOption } from './options.js';
import { decodeIpList, formatIp, formatMac } from './ip.js';
import {
  agentIdText,
  decodeClientArch,
  decodeClientNdi,
  decodeClientUuid,
  decodePxeVendorOptions,
  decodeRelayAgentInfo,
  decodeSubOptions,
} from './pxe.js';

const hex = (d: Uint8Array): string => Buffer.from(d).toString('hex');
const text = (d: Uint8Array): string => JSON.stringify(Buffer.from(d).toString('latin1'));
const u32 = (d: Uint8Array): string => (d.length === 4 ? String(new DataView(d.buffer, d.byteOffset, 4).getUint32(0)) : hex(d));

const TEXT = new Set<number>([Opt.HOSTNAME, Opt.DOMAIN_NAME, Opt.ROOT_PATH, Opt.MESSAGE, Opt.VENDOR_CLASS, Opt.TFTP_SERVER_NAME, Opt.BOOTFILE_NAME, Opt.PXELINUX_CONFIGFILE, Opt.PXELINUX_PATHPREFIX]);
const IPS = new Set<number>([Opt.SUBNET_MASK, Opt.ROUTER, Opt.DNS, Opt.BROADCAST, Opt.REQUESTED_IP, Opt.SERVER_ID]);

/** One option as "code name: value"; falls back to hex for anything it cannot read. */
export function renderOption(o: DhcpOption): string {
  const d = o.data;
  const value = (): string => {
    if (o.code === Opt.MESSAGE_TYPE && d.length === 1) return messageTypeName(d[0]).toUpperCase();
    if (TEXT.has(o.code)) return text(d);
    if (IPS.has(o.code)) return decodeIpList(d, `option ${o.code}`).join(', ');
    if (o.code === Opt.LEASE_TIME || o.code === Opt.RENEWAL_T1 || o.code === Opt.REBINDING_T2 || o.code === Opt.PXELINUX_REBOOTTIME) return u32(d);
    if (o.code === Opt.PARAMETER_LIST) return [...d].join(' ');
    if (o.code === Opt.MAX_MESSAGE_SIZE && d.length === 2) return String((d[0]! << 8) | d[1]!);
    if (o.code === Opt.CLIENT_ARCH) return decodeClientArch(d).join(' ');
    if (o.code === Opt.CLIENT_NDI) {
      const n = decodeClientNdi(d);
      return `type ${n.type} v${n.major}.${n.minor}`;
    }
    if (o.code === Opt.CLIENT_UUID) return decodeClientUuid(d);
    if (o.code === Opt.USER_CLASS) return text(d);
    if (o.code === Opt.RELAY_AGENT_INFO) {
      const a = decodeRelayAgentInfo(d);
      return [...a.subs].map(([c, v]) => `${c}=${c <= 2 ? agentIdText(v) : hex(v)}`).join(' ');
    }
    if (o.code === Opt.VENDOR_SPECIFIC) {
      const subs = decodeSubOptions(d, 'option 43');
      decodePxeVendorOptions(d);
      return [...subs].map(([c, v]) => `${c}=${hex(v)}`).join(' ');
    }
    return hex(d);
  };
  let v: string;
  try {
    v = value();
  } catch {
    v = hex(d);
  }
  return `option ${String(o.code).padStart(3)}: ${v}`;
}

/** The checked-in text rendering of a packet (golden files, debug logs). */
export function renderPacket(p: DhcpPacket): string {
  const lines = [
    `op ${p.op === 1 ? 'BOOTREQUEST' : 'BOOTREPLY'} htype ${p.htype} hlen ${p.hlen} hops ${p.hops}`,
    `xid 0x${p.xid.toString(16).padStart(8, '0')} secs ${p.secs} flags 0x${p.flags.toString(16).padStart(4, '0')}`,
    `ciaddr ${p.ciaddr} yiaddr ${p.yiaddr} siaddr ${p.siaddr} giaddr ${p.giaddr}`,
    `chaddr ${formatMac(p.chaddr, p.hlen)}`,
    `sname ${JSON.stringify(p.sname)}`,
    `file ${JSON.stringify(p.file)}`,
    ...p.options.map(renderOption),
  ];
  return `${lines.join('\n')}\n`;
}

export { formatIp };
