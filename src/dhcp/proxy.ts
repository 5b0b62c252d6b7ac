import { MessageType, Opt } from '../wire/dhcp/codes.js';
import { setOption } from '../wire/dhcp/accessors.js';
import { encodePxeVendorOptions } from '../wire/dhcp/pxe.js';
import { getOption } from '../wire/dhcp/accessors.js';
import { decodePxeVendorOptions } from '../wire/dhcp/pxe.js';
import { bootInfo } from './boot.js';
import { isBootFirmware } from './client.js';
import { replySkeleton, stop, type Handler } from './exchange.js';
import { recordDiscovered, relayInfoHandler } from './handlers.js';

/**
 * proxyDHCP (PXE spec §2.2.4 / 2.2.5). On 67 we answer only DISCOVERs from firmware with an
 * OFFER that carries boot information and no address (yiaddr 0, no lease time); another
 * server hands out addresses. On 4011 we answer the client's boot-server REQUEST (sent
 * unicast from its new address) with an ACK carrying the boot file.
 */
export const proxyHandler: Handler = (x, env) => {
  const c = x.req.client;
  if (!isBootFirmware(c)) return stop(x, 'not_pxe');
  const onBootPort = x.req.bootServerPort;
  if (onBootPort ? c.type !== MessageType.REQUEST && c.type !== MessageType.INFORM : c.type !== MessageType.DISCOVER) {
    return stop(x, 'ignored');
  }
  x.node = env.backend.nodeByMac(c.mac);
  if (!x.node) {
    if (env.config.unknownMacs === 'ignore') return stop(x, 'unknown_ignored');
    if (c.pxe && !onBootPort) recordDiscovered(x, env);
  }
  x.reply = replySkeleton(x.req.packet, onBootPort ? MessageType.ACK : MessageType.OFFER, env.serverAddress);
  if (onBootPort) x.reply.ciaddr = x.req.packet.ciaddr;
  const b = bootInfo(c, env.config, env.serverAddress, () => env.ipxeScriptUrl(c.mac), true);
  x.reply.siaddr = b.siaddr;
  x.reply.file = b.file;
  for (const o of b.options) setOption(x.reply, o);
  // PXE spec §2.2.5: the boot-server ACK echoes the boot item (43.71) the client asked for.
  const asked = getOption(x.req.packet, Opt.VENDOR_SPECIFIC);
  const item = asked ? decodePxeVendorOptions(asked).bootItem : undefined;
  if (onBootPort && item) setOption(x.reply, encodePxeVendorOptions({ bootItem: item }));
  if (x.node) env.backend.recordStage(x.node, onBootPort ? 'ack' : 'offer', `proxyDHCP ${b.file}`);
  x.outcome = onBootPort ? 'ack' : 'offer';
  return true;
};

export const proxyChain: Handler[] = [proxyHandler, relayInfoHandler];
