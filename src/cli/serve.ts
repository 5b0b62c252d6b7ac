import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('run the daemon: DHCP, TFTP, HTTP and multicast from one process (embedded default config when no --config)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace (overrides the config)')
    .action(async (o: { logLevel?: string }) => {
      // Loaded on demand so inventory verbs start fast and don't load the protocol servers.
      const { runDaemon } = await import('../daemon/daemon.js');
      await runDaemon(ctx, { logLevel: o.logLevel });
    });
}
