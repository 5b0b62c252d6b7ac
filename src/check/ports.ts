import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { createServer } from 'node:net';
import type { Config } from '../config.js';
import { describeHolders, portHolders } from './port-holder.js';
import { fail, ok, warn, type CheckResult } from './result.js';

export interface PortToCheck {
  check: string;
  /** What listens there, in the admin's words. */
  service: string;
  proto: 'udp' | 'tcp';
  address: string;
  port: number;
}

/** The ports `serve` will listen on with this config, on their configured addresses. */
export function portsOf(config: Config): PortToCheck[] {
  const list: PortToCheck[] = [];
  const { dhcp, tftp, http } = config;
  if (dhcp.mode !== 'off') {
    list.push({ check: 'dhcp-port', service: `DHCP (${dhcp.mode} mode)`, proto: 'udp', address: dhcp.listenAddress, port: dhcp.serverPort });
    if (dhcp.mode === 'proxy') list.push({ check: 'pxe-port', service: 'PXE boot server (proxy mode)', proto: 'udp', address: dhcp.listenAddress, port: dhcp.proxyPort });
  }
  if (tftp.enabled) list.push({ check: 'tftp-port', service: 'TFTP', proto: 'udp', address: tftp.address, port: tftp.port });
  if (http.enabled) list.push({ check: 'http-port', service: 'HTTP', proto: 'tcp', address: http.address, port: http.port });
  return list;
}

/** Bind without SO_REUSEADDR (so a socket the daemon would share the port with counts as in use), then release. */
function tryBind(p: PortToCheck): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    if (p.proto === 'udp') {
      const s = createSocket({ type: isIPv6(p.address) ? 'udp6' : 'udp4' });
      s.once('error', (e) => {
        s.close();
        resolve(e);
      });
      s.bind({ address: p.address, port: p.port, exclusive: true }, () => s.close(() => resolve(null)));
    } else {
      const srv = createServer();
      srv.once('error', (e) => resolve(e));
      srv.listen({ host: p.address, port: p.port, exclusive: true }, () => srv.close(() => resolve(null)));
    }
  });
}

/** Can `serve` listen there? Tries to bind and releases at once. */
export async function checkPort(p: PortToCheck): Promise<CheckResult> {
  const where = `${p.proto.toUpperCase()} ${p.address}:${p.port}`;
  if (p.port === 0) return ok(p.check, `${where} (${p.service}): any free port`);
  const e = await tryBind(p);
  if (e === null) return ok(p.check, `${where} (${p.service}) is free`);
  switch (e.code) {
    case 'EADDRINUSE': {
      const holders = portHolders(p.proto, p.port);
      const who = holders.length ? `held by ${describeHolders(holders)}` : `in use by another program (find it with: ss -${p.proto === 'udp' ? 'u' : 't'}lpn 'sport = :${p.port}')`;
      const running = holders.some((h) => h.command === 'rackboot serve') ? ': rackboot is already running' : '';
      return fail(p.check, `${where} (${p.service}): port ${p.port} is ${who}${running}; stop it, or set another port in the config`);
    }
    case 'EACCES':
      return warn(p.check, `${where} (${p.service}): not checked, ports below 1024 need root (run check as the user serve runs as)`);
    case 'EADDRNOTAVAIL':
      return fail(p.check, `${where} (${p.service}): no interface on this machine has the address ${p.address}; fix it in the config (or use 0.0.0.0)`);
    default:
      return fail(p.check, `${where} (${p.service}): cannot bind: ${e.message}`);
  }
}

export async function checkPorts(config: Config): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const p of portsOf(config)) results.push(await checkPort(p));
  return results;
}
