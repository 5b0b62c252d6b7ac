import { MessageType, Opt } from '../wire/dhcp/codes.js';
import type { DhcpOption } from '../wire/dhcp/options.js';
import { option, read } from '../wire/dhcp/accessors.js';
import { setOption } from '../wire/dhcp/accessors.js';
import { bootInfo } from './boot.js';
import { isBootFirmware } from './client.js';
import { stop, type Exchange, type Handler, type HandlerEnv } from './exchange.js';
import { leaseHandler } from './lease-handler.js';
import { selectSubnet, type Subnet } from './subnets.js';

/** Leases and inventory are keyed by Ethernet MACs: other hardware types are not for us. */
export const ethernetHandler: Handler = (x) => {
  const p = x.req.packet;
  return p.htype === 1 && p.hlen === 6 ? true : stop(x, 'not_ethernet');
};

/** Subnet by giaddr, ciaddr or the provisioning interface (RFC 2131 §4.3.1). */
export const subnetHandler: Handler = (x, env) => {
  const p = x.req.packet;
  x.subnet = selectSubnet(env.subnets, p.giaddr, p.ciaddr, env.serverAddress);
  return x.subnet ? true : stop(x, 'no_subnet');
};

/** The inventory node for this MAC, and the unknown-MAC policy. */
export const identifyHandler: Handler = (x, env) => {
  const c = x.req.client;
  x.node = env.nodeByMac(c.mac);
  if (x.node) return true;
  const policy = env.config.unknownMacs;
  if (policy === 'ignore' || (policy === 'pxe-only' && !isBootFirmware(c))) return stop(x, 'unknown_ignored');
  if (c.pxe && c.type === MessageType.DISCOVER) recordDiscovered(x, env);
  return true;
};

/** Record an unknown PXE client, at most once per MAC per throttle interval (a synchronous insert). */
export function recordDiscovered(x: Exchange, env: HandlerEnv): void {
  const c = x.req.client;
  if (!env.discovery.shouldRecord(c.mac)) return;
  env.backend.recordDiscovered({
    mac: c.mac,
    arch: c.arch,
    uuid: c.uuid,
    vendorClass: c.vendorClass,
    giaddr: x.req.packet.giaddr === '0.0.0.0' ? null : x.req.packet.giaddr,
    circuitId: c.circuitId,
    remoteId: c.remoteId,
  });
}

/** An inventory `dhcpOptions` value: hex bytes ("0a0b0c") or text. */
export function parseExtraOption(code: string, value: string): DhcpOption {
  const bytes = /^([0-9a-fA-F]{2})+$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'utf8');
  return option.raw(Number(code), Uint8Array.from(bytes));
}

/** A subnet's options (mask, router, DNS, domain, broadcast, extras), in reply order. */
function subnetOptions(s: Subnet, domain: string | null | undefined): DhcpOption[] {
  const out = [option.ip(Opt.SUBNET_MASK, s.mask)];
  if (s.config.router.length) out.push(option.ips(Opt.ROUTER, s.config.router));
  if (s.config.dns.length) out.push(option.ips(Opt.DNS, s.config.dns));
  if (domain) out.push(option.text(Opt.DOMAIN_NAME, domain));
  out.push(option.ip(Opt.BROADCAST, s.broadcast));
  for (const [code, v] of Object.entries(s.config.options)) out.push(parseExtraOption(code, v));
  return out;
}

/**
 * Built once per subnet: the same bytes go into every reply (the encoder copies them, and
 * nothing writes into an option's data), so they need not be rebuilt per packet.
 */
const subnetOptionCache = new WeakMap<Subnet, DhcpOption[]>();

/** Subnet options, then the node's (hostname 12, domain 15, root-path 17, extras). Not for NAKs. */
export const optionsHandler: Handler = (x, env) => {
  if (x.outcome === 'nak') return true;
  const s = x.subnet!;
  const r = x.reply;
  const add = (o: DhcpOption): void => setOption(r, o);
  const own = x.node?.domain ?? null; // a node's own domain replaces the subnet's
  let base = own === null ? subnetOptionCache.get(s) : undefined;
  if (!base) {
    base = subnetOptions(s, own ?? s.config.domain);
    if (own === null) subnetOptionCache.set(s, base);
  }
  for (const o of base) add(o);
  if (x.node) {
    add(option.text(Opt.HOSTNAME, x.node.hostname));
    if (x.node.rootPath) add(option.text(Opt.ROOT_PATH, x.node.rootPath));
    for (const [code, v] of Object.entries(x.node.dhcpOptions)) add(parseExtraOption(code, v));
  }
  return true;
};

/** Boot information for firmware clients only: an installed OS gets no boot file. */
export const bootHandler: Handler = (x, env) => {
  if (x.outcome === 'nak' || !isBootFirmware(x.req.client)) return true;
  const next = x.subnet?.config.nextServer ?? env.serverAddress;
  const b = bootInfo(x.req.client, env.config, next, () => env.ipxeScriptUrl(x.req.client.mac), false);
  x.reply.siaddr = b.siaddr;
  x.reply.file = b.file;
  for (const o of b.options) setOption(x.reply, o);
  return true;
};

/** Echo option 82 last (RFC 3046 §2.2); the encoder keeps it at the end. */
export const relayInfoHandler: Handler = (x) => {
  const agent = x.req.packet.options.find((o) => o.code === Opt.RELAY_AGENT_INFO);
  if (agent) setOption(x.reply, agent);
  return true;
};

/** Boot stages: discover/offer/ack for firmware, os-lease for an OS's own ACK. */
export const recordHandler: Handler = (x, env) => {
  const node = x.node;
  if (!node) return true;
  const c = x.req.client;
  const firmware = isBootFirmware(c);
  const ip = x.reply.yiaddr;
  if (firmware && c.type === MessageType.DISCOVER) {
    env.backend.recordStage(node, 'discover', c.vendorClass ?? undefined);
    env.backend.recordStage(node, 'offer', ip);
  } else if (x.outcome === 'ack') {
    env.backend.recordStage(node, firmware ? 'ack' : 'os-lease', ip);
  }
  return true;
};

export const fullChain: Handler[] = [ethernetHandler, subnetHandler, identifyHandler, leaseHandler, optionsHandler, bootHandler, relayInfoHandler, recordHandler];

export { read };
