import { resolve, dirname } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { parseConfig, type Config } from '../config.js';
import type { CliContext } from './context.js';

/** Keys whose values are never printed, should the schema gain any (a database password, an API secret). */
const SECRET = /(password|passwd|secret|token|apikey|privatekey|credentials?)$/i;

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET.test(k) && v !== null && v !== '' ? '(hidden)' : redactSecrets(v)]));
  }
  return value;
}

/**
 * The config as serve uses it: every default filled in, paths absolute (tftp.bootDir is
 * resolved like the daemon's TFTP mounts do), secrets hidden. The result is itself a valid
 * config file.
 */
export function effectiveConfig(config: Config, cwd = process.cwd()): Record<string, unknown> {
  const { configFile, dataDir, database, ...rest } = config;
  const base = configFile ? dirname(configFile) : cwd;
  return redactSecrets({ dataDir, database, ...rest, tftp: { ...rest.tftp, bootDir: resolve(base, rest.tftp.bootDir) } }) as Record<string, unknown>;
}

/** `rackboot config show [--defaults]`. */
export function registerConfigCommands(program: Command, ctx: CliContext): void {
  const config = program.command('config').description('the config file');
  config
    .command('show')
    .description('print the effective config as YAML, defaults filled in (--defaults: what an empty config file gives)')
    .option('--defaults', 'print the defaults alone, ignoring --config')
    .action((o: { defaults?: boolean }) => {
      const c = o.defaults ? parseConfig({}, process.cwd(), null) : ctx.config();
      const source = o.defaults ? 'defaults (no config file), relative to the current folder' : c.configFile ? `effective config of ${c.configFile}, defaults filled in` : 'embedded default config (no --config)';
      ctx.out(`# rackboot ${source}\n${stringify(effectiveConfig(c))}`);
    });
}
