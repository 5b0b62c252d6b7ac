import type { Command } from 'commander';
import { ValidationError } from '../errors.js';
import { createLogger } from '../log.js';
import { Metrics } from '../metrics.js';
import { interfaceAddress } from '../multicast/net.js';
import { receive } from '../multicast/receiver.js';
import type { CliContext } from './context.js';
import { intOption } from './shared.js';

interface ReceiveFlags {
  out: string;
  sha256?: string;
  portBase?: number;
  interface?: string;
  timeout: number;
}

export function registerReceiveCommands(program: Command, ctx: CliContext): void {
  program
    .command('receive')
    .description('receive a multicast push (from rackboot or a stock udp-sender)')
    .requiredOption('--out <file>', 'file (written to a temporary name, renamed when complete) or block device')
    .option('--sha256 <hex>', 'expected sha256; a mismatch leaves FILE untouched and exits non-zero')
    .option('--port-base <p>', 'port base P (default: multicast.portBase, 9000)', intOption('port-base'))
    .option('--interface <if>', 'network interface to receive on')
    .option('--timeout <s>', 'give up after this many seconds without a sender or without data', intOption('timeout'), 60)
    .action(async (o: ReceiveFlags) => {
      if (o.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(o.sha256)) throw new ValidationError('must be 64 hex digits', 'sha256');
      const config = ctx.config();
      const iface = interfaceAddress(o.interface ?? config.multicast.interface ?? config.interface);
      const t0 = Date.now();
      let shown = 0;
      const tty = process.stderr.isTTY;
      const r = await receive({
        out: o.out,
        sha256: o.sha256 ?? null,
        portBase: o.portBase ?? config.multicast.portBase,
        ip: iface.ip,
        broadcast: iface.broadcast,
        timeoutMs: o.timeout * 1000,
        log: createLogger(process.env.RACKBOOT_LOG_LEVEL ?? 'warn', 'text', process.stderr),
        metrics: new Metrics(),
        onProgress: (bytes) => {
          if (!tty || Date.now() - shown < 250) return;
          shown = Date.now();
          process.stderr.write(`\r${(bytes / 1048576).toFixed(1)} MiB received`);
        },
      });
      if (tty) process.stderr.write('\n');
      const s = (Date.now() - t0) / 1000;
      ctx.out(`received ${r.bytes} bytes from ${r.sender} as client #${r.client} in ${s.toFixed(1)} s; sha256 ${r.sha256}${o.sha256 ? ' (verified)' : ''} → ${o.out}`);
    });
}
