import type { BootBackend } from '../../../src/boot/backend.js';
import { describeClient } from '../../../src/dhcp/client.js';
import { dhcpConfigSchema, type DhcpConfig } from '../../../src/dhcp/config.js';
import { runChain, type Exchange, type Handler, type HandlerEnv } from '../../../src/dhcp/exchange.js';
import { fullChain } from '../../../src/dhcp/handlers.js';
import { DiscoveryThrottle } from '../../../src/dhcp/discovery-throttle.js';
import { LeaseBook } from '../../../src/dhcp/leases.js';
import { proxyChain } from '../../../src/dhcp/proxy.js';
import { buildSubnets } from '../../../src/dhcp/subnets.js';
import { silentLogger } from '../../../src/log.js';
import type { Database } from '../../../src/store/db.js';
import { LeaseRepo } from '../../../src/store/leases.js';
import type { DhcpPacket } from '../../../src/wire/dhcp/index.js';

export const SERVER = '10.0.0.1';

/** The handler chain without sockets, over a real SQLite file and a fake clock. */
export function harness(db: Database, backend: BootBackend, raw: unknown, clock: { now: number }) {
  const config: DhcpConfig = dhcpConfigSchema.parse(raw);
  const book = new LeaseBook(new LeaseRepo(db), {
    clock: () => clock.now,
    offerHoldMs: config.offerHoldSeconds * 1000,
    declineHoldMs: config.declineHoldSeconds * 1000,
    reservedForOther: (ip, mac) => {
      const n = backend.nodeByFixedIp(ip);
      return !!n && n.mac !== mac;
    },
  });
  const env: HandlerEnv = {
    config, subnets: buildSubnets(config.subnets), book, backend, discovery: new DiscoveryThrottle({ clock: () => clock.now }), serverAddress: SERVER,
    ipxeScriptUrl: (mac) => `http://${SERVER}:8080/boot/${mac}.ipxe`, logger: silentLogger(), nodeByMac: backend.nodeByMac,
  };
  const run = (chain: Handler[], packet: DhcpPacket, bootServerPort = false) => {
    const x: Exchange = { req: { packet, client: describeClient(packet), source: { address: packet.ciaddr, port: 68 }, bootServerPort }, reply: packet, outcome: 'ignored', durable: false };
    const reply = runChain(chain, x, env);
    book.flush();
    return { reply, outcome: x.outcome, durable: x.durable };
  };
  return {
    env, book, config,
    full: (p: DhcpPacket) => run(fullChain, p),
    proxy: (p: DhcpPacket, bootServerPort = false) => run(proxyChain, p, bootServerPort),
  };
}
