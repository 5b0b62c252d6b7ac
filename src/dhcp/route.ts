import { FLAG_BROADCAST, MessageType } from '../wire/dhcp/codes.js';
import type { DhcpPacket } from '../wire/dhcp/packet.js';
import { read } from '../wire/dhcp/accessors.js';

export type RouteKind = 'relay' | 'broadcast' | 'unicast' | 'source';

export interface Destination {
  kind: RouteKind;
  address: string;
  port: number;
}

export interface RouteContext {
  /** Where the request came from (address and UDP port). */
  source: { address: string; port: number };
  /** The request arrived on the PXE boot-server port (4011): answer the sender directly. */
  bootServerPort: boolean;
  serverPort: number; // 67: relays listen here
  clientPort: number; // 68
}

const ZERO = '0.0.0.0';
const LIMITED_BROADCAST = '255.255.255.255';

/**
 * RFC 2131 §4.1 (and PXE spec §2.2.4 for port 4011), in one switch:
 *  - boot-server port → back to the client's source address and port;
 *  - giaddr set → the relay at giaddr:67 (a NAK gets the broadcast flag so the relay broadcasts it);
 *  - NAK → broadcast;
 *  - ciaddr set → unicast to ciaddr:68;
 *  - otherwise broadcast to 255.255.255.255:68. The "unicast to yiaddr/chaddr" case needs an
 *    ARP entry a UDP socket cannot make, so it is a broadcast too (clients accept both).
 * May set the broadcast flag on `reply`; returns where to send it.
 */
export function routeReply(req: DhcpPacket, reply: DhcpPacket, ctx: RouteContext): Destination {
  const nak = read.messageType(reply) === MessageType.NAK;
  let kind: RouteKind;
  if (ctx.bootServerPort) kind = 'source';
  else if (req.giaddr !== ZERO) kind = 'relay';
  else if (nak) kind = 'broadcast';
  else if (req.ciaddr !== ZERO) kind = 'unicast';
  else kind = 'broadcast';
  switch (kind) {
    case 'source':
      return { kind, address: ctx.source.address, port: ctx.source.port };
    case 'relay':
      if (nak) reply.flags |= FLAG_BROADCAST;
      return { kind, address: req.giaddr, port: ctx.serverPort };
    case 'unicast':
      return { kind, address: req.ciaddr, port: ctx.clientPort };
    case 'broadcast':
      return { kind, address: LIMITED_BROADCAST, port: ctx.clientPort };
  }
}
