import { parseMac } from '../inventory/mac.js';

/**
 * The config names pxelinux tries, in its order (syslinux doc/pxelinux.txt):
 * pxelinux.cfg/<uuid>, 01-<mac>, the client IP in upper-case hex and each shorter prefix
 * (0A000120, 0A00012, … 0), then default.
 */
export function pxelinuxSearchOrder(mac: string, ip: string, uuid?: string): string[] {
  const names: string[] = [];
  if (uuid) names.push(uuid.toLowerCase());
  names.push(`01-${mac.replace(/:/g, '-').toLowerCase()}`);
  const hex = ipToHex(ip);
  for (let n = 8; n >= 1; n--) names.push(hex.slice(0, n));
  names.push('default');
  return names;
}

export const ipToHex = (ip: string): string =>
  ip
    .split('.')
    .map((o) => Number(o).toString(16).toUpperCase().padStart(2, '0'))
    .join('');

export type ConfigName =
  | { kind: 'mac'; mac: string } // 01-aa-bb-cc-dd-ee-ff (ARP hardware type 1)
  | { kind: 'ip'; hex: string } // 0A000120 or a prefix of it
  | { kind: 'uuid'; uuid: string }
  | { kind: 'default' }
  | { kind: 'other' };

/** Classify a requested pxelinux.cfg/<name>. */
export function classifyConfigName(name: string): ConfigName {
  const n = name.trim();
  if (n === 'default') return { kind: 'default' };
  const m = /^01-((?:[0-9a-f]{2}-){5}[0-9a-f]{2})$/i.exec(n);
  if (m) return { kind: 'mac', mac: parseMac(m[1]!) };
  if (/^[0-9A-F]{1,8}$/.test(n)) return { kind: 'ip', hex: n };
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(n)) return { kind: 'uuid', uuid: n.toLowerCase() };
  return { kind: 'other' };
}
