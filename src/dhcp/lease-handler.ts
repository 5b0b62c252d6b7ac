import { MessageType } from '../wire/dhcp/codes.js';
import { leaseTimeOptions } from './shared-options.js';
import { ipToInt } from '../wire/dhcp/ip.js';
import { makeNak, replySkeleton, stop, type Exchange, type HandlerEnv } from './exchange.js';
import { contains, inPool, type Subnet } from './subnets.js';

const ZERO = '0.0.0.0';

/** The address this client may hold on this subnet: its fixed one, else a pool address it may have. */
function acceptable(x: Exchange, env: HandlerEnv, subnet: Subnet, ip: string): boolean {
  const mac = x.req.client.mac;
  if (x.node?.ip) return ip === x.node.ip;
  const n = ipToInt(ip);
  if (!inPool(subnet, n)) return false;
  // Our own live offer was checked when it was made, and is held for this client.
  return env.book.offerFor(mac) === ip || env.book.availableTo(n, mac);
}

function bind(x: Exchange, env: HandlerEnv, subnet: Subnet, ip: string): true {
  const c = x.req.client;
  env.book.bind({
    ip,
    mac: c.mac,
    subnet: subnet.name,
    leaseMs: subnet.config.leaseTime * 1000,
    hostname: x.node?.hostname ?? c.hostname ?? null,
    clientId: c.clientId,
    fixed: x.node?.ip === ip,
  });
  x.reply = replySkeleton(x.req.packet, MessageType.ACK, env.serverAddress);
  x.reply.yiaddr = ip;
  x.reply.ciaddr = x.req.packet.ciaddr;
  addLeaseTimes(x, subnet);
  x.outcome = 'ack';
  x.durable = true;
  return true;
}

/** Option 51 plus T1 = 0.5 and T2 = 0.875 of the lease (RFC 2131 §4.4.5). */
function addLeaseTimes(x: Exchange, subnet: Subnet): void {
  x.reply.options.push(...leaseTimeOptions(subnet.config.leaseTime));
}

/** A wrong address: NAK when authoritative, else stay silent (RFC 2131 §4.3.2). */
function refuse(x: Exchange, env: HandlerEnv, why: string): boolean {
  if (env.config.authoritative) return makeNak(x, env.serverAddress, why);
  return stop(x, 'not_authoritative');
}

function discover(x: Exchange, env: HandlerEnv, subnet: Subnet): boolean {
  const c = x.req.client;
  let ip: string | undefined;
  if (x.node?.ip) {
    if (!contains(subnet, ipToInt(x.node.ip))) {
      env.logger.warn({ mac: c.mac, ip: x.node.ip, subnet: subnet.name }, 'dhcp: node fixed address is not on the subnet it asks from');
      return stop(x, 'wrong_subnet');
    }
    ip = x.node.ip;
  } else {
    ip = env.book.allocate(subnet, c.mac, c.requestedIp);
    if (ip === undefined) {
      env.logger.warn({ mac: c.mac, subnet: subnet.name }, 'dhcp: pool exhausted, no offer');
      return stop(x, 'pool_exhausted');
    }
  }
  env.book.hold(c.mac, ip);
  x.reply = replySkeleton(x.req.packet, MessageType.OFFER, env.serverAddress);
  x.reply.yiaddr = ip;
  addLeaseTimes(x, subnet);
  x.outcome = 'offer';
  return true;
}

/** RFC 2131 §4.3.2: SELECTING, INIT-REBOOT, RENEWING/REBINDING told apart by server id and ciaddr. */
function request(x: Exchange, env: HandlerEnv, subnet: Subnet): boolean {
  const c = x.req.client;
  const ciaddr = x.req.packet.ciaddr;
  if (c.serverId !== undefined) {
    if (c.serverId !== env.serverAddress) {
      env.book.forgetOffer(c.mac);
      return stop(x, 'other_server');
    }
    const ip = c.requestedIp ?? (ciaddr !== ZERO ? ciaddr : undefined);
    if (ip === undefined) return stop(x, 'no_requested_ip');
    // We were selected: we must answer, ACK or NAK.
    return acceptable(x, env, subnet, ip) ? bind(x, env, subnet, ip) : makeNak(x, env.serverAddress, 'requested address not available');
  }
  const ip = ciaddr !== ZERO ? ciaddr : c.requestedIp;
  if (ip === undefined) return stop(x, 'no_requested_ip');
  if (!contains(subnet, ipToInt(ip))) return refuse(x, env, 'wrong network');
  if (acceptable(x, env, subnet, ip)) {
    const prior = env.book.activeLeaseOf(c.mac);
    // INIT-REBOOT from a pool client we know with another address: it must start over.
    if (ciaddr === ZERO && !x.node?.ip && prior && prior.ip !== ip) {
      return refuse(x, env, 'not your address');
    }
    return bind(x, env, subnet, ip);
  }
  return refuse(x, env, 'not your address');
}

function inform(x: Exchange, env: HandlerEnv): true {
  // RFC 2131 §4.3.5: configuration only — no yiaddr, no lease time.
  x.reply = replySkeleton(x.req.packet, MessageType.ACK, env.serverAddress);
  x.reply.ciaddr = x.req.packet.ciaddr;
  x.outcome = 'inform';
  return true;
}

/**
 * RFC 2131 §4.3.3. Only an address of this subnet's pools (or the client's own fixed address)
 * that this MAC was offered or holds is quarantined; any other DECLINE (spoofed chaddr, an
 * address outside the pools, someone else's lease) is ignored, counted and logged at debug.
 */
function decline(x: Exchange, env: HandlerEnv, subnet: Subnet): false {
  const c = x.req.client;
  const ip = c.requestedIp;
  if (c.serverId !== undefined && c.serverId !== env.serverAddress) return stop(x, 'other_server');
  if (ip === undefined) return stop(x, 'no_requested_ip');
  const ours = inPool(subnet, ipToInt(ip)) || (!!x.node?.ip && ip === x.node.ip);
  if (!ours || !env.book.decline(c.mac, ip, subnet.name)) {
    env.logger.debug({ mac: c.mac, ip, subnet: subnet.name }, 'dhcp: DECLINE for an address this client was not offered and does not hold; ignored');
    return stop(x, 'decline_ignored');
  }
  env.logger.warn({ mac: c.mac, ip }, 'dhcp: client declined the address (in use on the wire); quarantined');
  return stop(x, 'declined');
}

/** The lease step of the full-mode chain. */
export function leaseHandler(x: Exchange, env: HandlerEnv): boolean {
  const subnet = x.subnet!;
  const c = x.req.client;
  switch (c.type) {
    case MessageType.DISCOVER:
      return discover(x, env, subnet);
    case MessageType.REQUEST:
      return request(x, env, subnet);
    case MessageType.DECLINE:
      return decline(x, env, subnet);
    case MessageType.RELEASE:
      env.book.release(c.mac, x.req.packet.ciaddr);
      return stop(x, 'released');
    case MessageType.INFORM:
      return inform(x, env);
    default:
      return stop(x, 'ignored');
  }
}
