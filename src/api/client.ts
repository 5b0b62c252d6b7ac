import type { Request } from 'express';

/**
 * The peer's IPv4 address as the socket saw it: `::ffff:10.0.0.5` (IPv4-mapped, on a
 * dual-stack listener) becomes `10.0.0.5`. X-Forwarded-For is never read: report-back
 * trusts only the socket.
 */
export function clientIp(req: Request): string {
  const a = req.socket.remoteAddress ?? '';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}
