// Capture DHCP requests from a real client: run inside a network namespace, binds
// 0.0.0.0:<port> and writes each datagram to <outdir>/<prefix>-<n>.bin until <count> arrive.
// Usage: node capture.mjs <outdir> <prefix> <count> [port]
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';

const [outdir, prefix, count = '1', port = '67'] = process.argv.slice(2);
let n = 0;
const s = createSocket({ type: 'udp4', reuseAddr: true });
s.on('message', (buf, from) => {
  n += 1;
  writeFileSync(`${outdir}/${prefix}-${n}.bin`, buf);
  process.stdout.write(`captured ${buf.length} bytes from ${from.address}:${from.port}\n`);
  if (n >= Number(count)) s.close();
});
s.bind(Number(port), '0.0.0.0', () => s.setBroadcast(true));
setTimeout(() => process.exit(n > 0 ? 0 : 1), 60_000).unref();
