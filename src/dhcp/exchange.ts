import type { BootBackend } from '../boot/backend.js';
import type { Node } from '../inventory/types.js';
import type { Logger } from '../log.js';
import { BOOTREPLY, MessageType, Opt } from '../wire/dhcp/codes.js';
import type { DhcpPacket } from '../wire/dhcp/packet.js';
import { option } from '../wire/dhcp/accessors.js';
import { messageTypeOption, serverIdOption } from './shared-options.js';
import type { DhcpConfig } from './config.js';
import type { ClientInfo } from './client.js';
import type { DiscoveryThrottle } from './discovery-throttle.js';
import type { LeaseBook } from './leases.js';
import type { Subnet } from './subnets.js';

/** A decoded request and where it came from. */
export interface DhcpRequest {
  packet: DhcpPacket;
  client: ClientInfo;
  source: { address: string; port: number };
  /** Arrived on the PXE boot-server port (4011). */
  bootServerPort: boolean;
}

/** One request's way through the handler chain. */
export interface Exchange {
  req: DhcpRequest;
  reply: DhcpPacket;
  subnet?: Subnet;
  node?: Node;
  /** Metric label of what happened: offer, ack, nak, ignored, pool_exhausted … */
  outcome: string;
  /** The reply must wait until the lease batch is committed (ACKs). */
  durable: boolean;
}

/** What handlers may use; no module-level state. */
export interface HandlerEnv {
  config: DhcpConfig;
  subnets: Subnet[];
  book: LeaseBook;
  backend: BootBackend;
  /** At most one recordDiscovered per MAC per interval. */
  discovery: DiscoveryThrottle;
  serverAddress: string;
  ipxeScriptUrl: (mac: string) => string;
  logger: Logger;
  /** The inventory node for a MAC (undefined when not registered). */
  nodeByMac: (mac: string) => Node | undefined;
}

/** A handler adds to the reply, or returns false to stop: no reply is sent (x.outcome says why). */
export type Handler = (x: Exchange, env: HandlerEnv) => boolean;

/** RFC 2131 table 3: the reply skeleton every handler starts from. */
export function replySkeleton(req: DhcpPacket, type: number, serverId: string): DhcpPacket {
  return {
    op: BOOTREPLY,
    htype: req.htype,
    hlen: req.hlen,
    hops: 0,
    xid: req.xid,
    secs: 0,
    flags: req.flags,
    ciaddr: '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: req.giaddr,
    chaddr: req.chaddr, // the request's own copy (decodePacket), never written: shared, not copied
    sname: '',
    file: '',
    options: [messageTypeOption(type), serverIdOption(serverId)],
  };
}

/** Turn the reply into a NAK (RFC 2131 table 3: no address, no configuration, a message). */
export function makeNak(x: Exchange, serverId: string, why: string): true {
  x.reply = replySkeleton(x.req.packet, MessageType.NAK, serverId);
  x.reply.options.push(option.text(Opt.MESSAGE, why));
  x.outcome = 'nak';
  return true;
}

/** Run the chain; the reply to send, or undefined. */
export function runChain(chain: Handler[], x: Exchange, env: HandlerEnv): DhcpPacket | undefined {
  for (const h of chain) if (!h(x, env)) return undefined;
  return x.reply;
}

export function stop(x: Exchange, outcome: string): false {
  x.outcome = outcome;
  return false;
}
