import { ConfigError } from '../errors.js';

/**
 * Turn a socket error at start-up into a message an admin can act on: which service,
 * which port, and what to do about it.
 */
export function explainBindError(service: string, proto: 'udp' | 'tcp', address: string, port: number, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const where = `${address}:${port}/${proto}`;
  switch (code) {
    case 'EADDRINUSE':
      return new ConfigError(
        `${service} cannot listen on ${where}: the port is in use by another program (find it with: ss -${proto === 'udp' ? 'u' : 't'}lpn 'sport = :${port}' — often tftpd-hpa, dnsmasq or isc-dhcp-server). Stop it, or set a different port in the config.`,
      );
    case 'EACCES':
      return new ConfigError(
        `${service} cannot listen on ${where}: ports below 1024 need root or CAP_NET_BIND_SERVICE. Run rackboot as root, or grant it with: setcap cap_net_bind_service=+ep "$(readlink -f "$(command -v node)")", or use a port of 1024 or more in the config.`,
      );
    case 'EADDRNOTAVAIL':
      return new ConfigError(`${service} cannot listen on ${where}: no interface on this machine has the address ${address}. Fix the address in the config (or use 0.0.0.0).`);
    default:
      return e instanceof Error ? e : new Error(String(e));
  }
}
