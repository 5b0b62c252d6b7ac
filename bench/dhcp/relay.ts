/**
 * A minimal DHCP relay agent (RFC 1542 §4, RFC 3046) for the integration tests: listens on
 * 0.0.0.0:67, forwards client BOOTREQUESTs to the server with giaddr = our client-side
 * address, hops + 1 and option 82 (circuit-id, remote-id) appended; forwards BOOTREPLYs
 * back to the client side as a limited broadcast from a socket bound to the client-side
 * address (so it leaves through that interface), stripping option 82.
 *
 *   node dist/bench/dhcp/relay.js <client-side address> <server address> <circuit-id> <remote-id>
 */
import { createSocket } from 'node:dgram';
import { BOOTREPLY, BOOTREQUEST, Opt } from '../../src/wire/dhcp/codes.js';
import { decodePacket, encodePacket } from '../../src/wire/dhcp/packet.js';
import { encodeSubOptions } from '../../src/wire/dhcp/pxe.js';

const [giaddr, server, circuitId = 'rack1/port1', remoteId = 'relay'] = process.argv.slice(2);
if (!giaddr || !server) {
  process.stderr.write('usage: relay.js <client-side address> <server address> [circuit-id] [remote-id]\n');
  process.exit(2);
}
const agentInfo = encodeSubOptions([[1, Uint8Array.from(Buffer.from(circuitId))], [2, Uint8Array.from(Buffer.from(remoteId))]], false);

const wildcard = createSocket({ type: 'udp4', reuseAddr: true });
const local = createSocket({ type: 'udp4', reuseAddr: true });

function onMessage(buf: Buffer): void {
  let p;
  try {
    p = decodePacket(buf);
  } catch (e) {
    process.stdout.write(`relay: dropped malformed packet: ${(e as Error).message}\n`);
    return;
  }
  if (p.op === BOOTREQUEST) {
    if (p.hops >= 16) return;
    p.hops += 1;
    if (p.giaddr === '0.0.0.0') p.giaddr = giaddr!;
    if (!p.options.some((o) => o.code === Opt.RELAY_AGENT_INFO)) p.options.push({ code: Opt.RELAY_AGENT_INFO, data: agentInfo });
    local.send(encodePacket(p, { maxLength: 1400 }), 67, server!);
    process.stdout.write(`relay: request xid ${p.xid.toString(16)} → ${server}\n`);
  } else if (p.op === BOOTREPLY && p.giaddr === giaddr) {
    p.options = p.options.filter((o) => o.code !== Opt.RELAY_AGENT_INFO);
    local.send(encodePacket(p), 68, '255.255.255.255');
    process.stdout.write(`relay: reply xid ${p.xid.toString(16)} → client side\n`);
  }
}

wildcard.on('message', onMessage);
local.on('message', onMessage);
wildcard.bind(67, '0.0.0.0', () => {
  local.bind(67, giaddr, () => {
    local.setBroadcast(true);
    process.stdout.write('relay: ready\n');
  });
});
const stop = (): void => {
  wildcard.close();
  local.close();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
