import { Opt } from '../wire/dhcp/codes.js';
import type { DhcpPacket } from '../wire/dhcp/packet.js';
import { getOption, read } from '../wire/dhcp/accessors.js';
import { formatMac } from '../wire/dhcp/ip.js';
import { agentIdText, decodeClientArch, decodeClientUuid, decodeRelayAgentInfo, userClasses } from '../wire/dhcp/pxe.js';

/** What a request says about its sender, decoded once. Throws DecodeError on malformed options. */
export interface ClientInfo {
  mac: string;
  type: number | undefined;
  vendorClass: string | null;
  /** Option 60 starts with "PXEClient" (PXE spec §2.2.1). */
  pxe: boolean;
  /** User class (77) "iPXE": already running iPXE, so it wants a script, not the loader again. */
  ipxe: boolean;
  /** Vendor class "Etherboot-…" (Etherboot 5.x ROMs). */
  etherboot: boolean;
  /** Option 93, first entry; null when absent (treated as BIOS). */
  arch: number | null;
  uuid: string | null;
  circuitId: string | null;
  remoteId: string | null;
  requestedIp: string | undefined;
  serverId: string | undefined;
  hostname: string | undefined;
  clientId: string | null;
}

export function describeClient(p: DhcpPacket): ClientInfo {
  const vendorClass = read.text(p, Opt.VENDOR_CLASS) ?? null;
  const arch = getOption(p, Opt.CLIENT_ARCH);
  const uuid = getOption(p, Opt.CLIENT_UUID);
  const agent = getOption(p, Opt.RELAY_AGENT_INFO);
  const info = agent ? decodeRelayAgentInfo(agent) : undefined;
  const clientId = getOption(p, Opt.CLIENT_ID);
  return {
    mac: formatMac(p.chaddr, p.hlen),
    type: read.messageType(p),
    vendorClass,
    pxe: vendorClass?.startsWith('PXEClient') ?? false,
    ipxe: userClasses(getOption(p, Opt.USER_CLASS)).includes('iPXE'),
    etherboot: vendorClass?.startsWith('Etherboot') ?? false,
    arch: arch ? decodeClientArch(arch)[0]! : archFromVendorClass(vendorClass),
    // Some ROMs send option 97 with a zero length or a non-zero type; keep the rest of the packet.
    uuid: uuid && uuid.length === 17 && uuid[0] === 0 ? decodeClientUuid(uuid) : null,
    circuitId: agentIdText(info?.circuitId),
    remoteId: agentIdText(info?.remoteId),
    requestedIp: read.ip(p, Opt.REQUESTED_IP),
    serverId: read.ip(p, Opt.SERVER_ID),
    hostname: read.text(p, Opt.HOSTNAME),
    clientId: clientId ? Buffer.from(clientId.buffer, clientId.byteOffset, clientId.length).toString('hex') : null,
  };
}

/** PXE spec §2.2.1: "PXEClient:Arch:xxxxx:UNDI:yyyzzz"; used when option 93 is missing. */
function archFromVendorClass(vc: string | null): number | null {
  const m = vc === null ? null : /^PXEClient:Arch:(\d{5})/.exec(vc);
  return m ? Number(m[1]) : null;
}

/** A network-boot firmware (PXE ROM, iPXE, Etherboot) rather than an installed OS. */
export const isBootFirmware = (c: ClientInfo): boolean => c.pxe || c.ipxe || c.etherboot;
