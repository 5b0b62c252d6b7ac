import { MessageType, Opt } from '../wire/dhcp/codes.js';
import { option, setOption } from '../wire/dhcp/accessors.js';
import { encodePxeVendorOptions } from '../wire/dhcp/pxe.js';
import { getOption } from '../wire/dhcp/accessors.js';
import { decodePxeVendorOptions } from '../wire/dhcp/pxe.js';
import { bootInfo } from './boot.js';
import { isBootFirmware } from './client.js';
import { replySkeleton, stop, type Exchange, type Handler, type HandlerEnv } from './exchange.js';
import { ethernetHandler, recordDiscovered, relayInfoHandler } from './handlers.js';

/**
 * proxyDHCP (PXE spec 2.1 §2.2.4–2.2.5). On 67 we answer only DISCOVERs from firmware, with
 * an OFFER that has no address (yiaddr 0, no lease time) and only PXE information: option 60
 * "PXEClient" and option 43. It carries no next-server and no file on purpose: the client then
 * unicasts a DHCPREQUEST to us on 4011 once the real server has given it an address (iPXE
 * skips that step when the 67 offer already names a file), and the 4011 ACK carries the boot
 * file, next-server and pxelinux options. Another server hands out the addresses.
 */
export const proxyHandler: Handler = (x, env) => {
  const c = x.req.client;
  if (!isBootFirmware(c)) return stop(x, 'not_pxe');
  const onBootPort = x.req.bootServerPort;
  if (onBootPort ? c.type !== MessageType.REQUEST && c.type !== MessageType.INFORM : c.type !== MessageType.DISCOVER) {
    return stop(x, 'ignored');
  }
  x.node = env.nodeByMac(c.mac);
  if (!x.node) {
    if (env.config.unknownMacs === 'ignore') return stop(x, 'unknown_ignored');
    if (c.pxe && !onBootPort) recordDiscovered(x, env);
  }
  return onBootPort ? bootServerAck(x, env) : proxyOffer(x, env);
};

function proxyOffer(x: Exchange, env: HandlerEnv): true {
  x.reply = replySkeleton(x.req.packet, MessageType.OFFER, env.serverAddress);
  x.reply.options.push(option.text(Opt.VENDOR_CLASS, 'PXEClient'));
  // Discovery control 8: a ROM that gets a file with this offer may boot it directly.
  x.reply.options.push(encodePxeVendorOptions({ discoveryControl: 0x08 }));
  if (x.node) env.backend.recordStage(x.node, 'offer', 'proxyDHCP');
  x.outcome = 'offer';
  return true;
}

function bootServerAck(x: Exchange, env: HandlerEnv): true {
  const c = x.req.client;
  x.reply = replySkeleton(x.req.packet, MessageType.ACK, env.serverAddress);
  x.reply.ciaddr = x.req.packet.ciaddr;
  const b = bootInfo(c, env.config, env.serverAddress, () => env.ipxeScriptUrl(c.mac), true);
  x.reply.siaddr = b.siaddr;
  x.reply.file = b.file;
  for (const o of b.options) setOption(x.reply, o);
  // §2.2.5: a boot-server ACK echoes the boot item (43.71) the client asked for.
  const asked = getOption(x.req.packet, Opt.VENDOR_SPECIFIC);
  const item = asked ? decodePxeVendorOptions(asked).bootItem : undefined;
  if (item) setOption(x.reply, encodePxeVendorOptions({ bootItem: item }));
  if (x.node) env.backend.recordStage(x.node, 'ack', `proxyDHCP ${b.file}`);
  x.outcome = 'ack';
  return true;
}

export const proxyChain: Handler[] = [ethernetHandler, proxyHandler, relayInfoHandler];
