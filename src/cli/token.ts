import type { Command } from 'commander';
import { createToken, listTokens, removeToken } from '../store/tokens.js';
import type { CliContext } from './context.js';
import { json, table } from './shared.js';

/**
 * `rackboot token create|list|rm`: API bearer tokens. The secret is printed once, at
 * creation; the database keeps only its SHA-256.
 */
export function registerTokenCommands(program: Command, ctx: CliContext): void {
  const token = program.command('token').description('API bearer tokens (for the REST API and the web page)');

  token
    .command('create')
    .description('create a token and print it once (only its hash is stored)')
    .requiredOption('--name <name>', 'who or what uses the token (shown in the audit log)')
    .option('--read-only', 'the token can read but not change anything', false)
    .action((opts: { name: string; readOnly: boolean }) => {
      const { token: secret, record } = createToken(ctx.db(), { name: opts.name, readOnly: opts.readOnly });
      ctx.out(secret);
      process.stderr.write(`created ${record.readOnly ? 'read-only ' : ''}token ${record.name}; it is shown only this once\n`);
    });

  token
    .command('list')
    .description('list tokens (names and use, never the secrets)')
    .option('--json', 'print JSON', false)
    .action((opts: { json: boolean }) => {
      const list = listTokens(ctx.db());
      if (opts.json) return ctx.out(json(list));
      const rows = list.map((t) => [t.name, t.readOnly ? 'read-only' : 'read-write', t.createdAt, t.lastUsedAt ?? 'never']);
      ctx.out(table(['NAME', 'ACCESS', 'CREATED', 'LAST USED'], rows));
    });

  token
    .command('rm')
    .description('revoke a token; requests carrying it are refused from now on')
    .argument('<name>')
    .action((name: string) => {
      removeToken(ctx.db(), name);
      ctx.out(`removed token ${name}`);
    });
}
