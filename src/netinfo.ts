import { networkInterfaces } from 'node:os';
import { ConfigError } from './errors.js';

export interface InterfaceAddress {
  name: string;
  address: string;
  netmask: string;
}

/** IPv4 address of a named interface, or a ConfigError that lists the ones that exist. */
export function interfaceAddress(name: string): InterfaceAddress {
  const all = networkInterfaces();
  const v4 = all[name]?.find((a) => a.family === 'IPv4');
  if (!v4) {
    const known = Object.entries(all)
      .filter(([, addrs]) => addrs?.some((a) => a.family === 'IPv4'))
      .map(([n]) => n);
    throw new ConfigError(
      all[name] ? `interface ${name} has no IPv4 address` : `no interface named ${name} on this machine (interfaces with IPv4: ${known.join(', ') || 'none'})`,
      'interface',
    );
  }
  return { name, address: v4.address, netmask: v4.netmask };
}

/** The address nodes reach rackboot on: config serverAddress, else the interface's, else the first non-loopback IPv4. */
export function resolveServerAddress(serverAddress: string | null, iface: string | null): string {
  if (serverAddress) return serverAddress;
  if (iface) return interfaceAddress(iface).address;
  for (const addrs of Object.values(networkInterfaces())) {
    const a = addrs?.find((x) => x.family === 'IPv4' && !x.internal);
    if (a) return a.address;
  }
  return '127.0.0.1';
}
