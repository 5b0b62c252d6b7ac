import type { CliContext } from '../cli/context.js';
import { createLogger } from '../log.js';
import { openInventory } from '../inventory/open.js';

/** `rackboot serve`: wire the inventory and every protocol server; shut down cleanly on SIGTERM/SIGINT. */
export async function runDaemon(ctx: CliContext, opts: { logLevel?: string }): Promise<void> {
  const config = ctx.config();
  const logger = createLogger(opts.logLevel ?? config.logLevel);
  const db = ctx.db();
  openInventory(db, config);
  logger.info({ database: config.database }, 'rackboot serving (protocol servers are wired as they land)');
  await new Promise<void>((resolve) => {
    const stop = (sig: string): void => {
      logger.info({ signal: sig }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  db.close();
}
