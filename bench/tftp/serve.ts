/**
 * rackboot's TFTP server alone, for the benchmark: `node dist/bench/tftp/serve.js DIR ADDRESS PORT`.
 * Prints "ready <port>" on stdout; exits on SIGTERM/SIGINT. Logs at warn, as tftpd-hpa -L
 * logs only to syslog.
 */
import { createLogger } from '../../src/log.js';
import { Metrics } from '../../src/metrics.js';
import { tftpConfigSchema } from '../../src/tftp/config.js';
import { startTftpServer } from '../../src/tftp/server.js';

const [dir, address = '127.0.0.1', port = '0'] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: serve.js DIR [ADDRESS] [PORT]\n');
  process.exit(2);
}
const server = await startTftpServer({
  config: tftpConfigSchema.parse({ address, port: Number(port), maxTransfers: 1024, maxTransfersPerClient: 1024 }),
  mounts: [{ prefix: '', dir }],
  logger: createLogger('warn'),
  metrics: new Metrics(),
});
process.stdout.write(`ready ${server.port}\n`);
const stop = (): void => void server.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
