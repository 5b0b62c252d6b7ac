#!/usr/bin/env node
import './jit-tuning.js'; // first: V8 flags must be set before other modules' code runs
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import type { Database } from 'better-sqlite3';
import { loadConfig, type Config } from './config.js';
import { openDatabase } from './store/db.js';
import { RackbootError } from './errors.js';
import { registerCommands } from './cli/index.js';
import { packageRoot } from './paths.js';
import type { CliContext } from './cli/context.js';

/** The only reader of argv and environment: builds the CLI and runs one verb. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('rackboot')
    .description('Network boot and provisioning for diskless clusters')
    .version((JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version, '-V, --version')
    .option('-c, --config <file>', 'config file (YAML); default: embedded defaults, data in ./var', process.env.RACKBOOT_CONFIG)
    .option('--db <file>', 'inventory database (overrides the config file)', process.env.RACKBOOT_DB)
    .showHelpAfterError()
    .exitOverride();

  let config: Config | undefined;
  let db: Database | undefined;
  const ctx: CliContext = {
    config() {
      if (!config) {
        const opts = program.opts<{ config?: string; db?: string }>();
        config = loadConfig(opts.config);
        if (opts.db) config = { ...config, database: opts.db };
      }
      return config;
    },
    db() {
      db ??= openDatabase(ctx.config().database);
      return db;
    },
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  };
  registerCommands(program, ctx);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof RackbootError) {
      process.stderr.write(`rackboot: ${e.message}\n`);
      return e.code === 'not_found' ? 3 : 2;
    }
    throw e;
  } finally {
    // A long-running verb (serve) closes the database itself on shutdown.
    if (db?.open && !process.exitCode) db.close();
  }
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== 0) process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`rackboot: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 70;
    },
  );
}
