import { CommanderError, type Command } from 'commander';
import { exitCode, formatJson, formatResults } from '../check/result.js';
import { ValidationError } from '../errors.js';
import type { CliContext } from './context.js';

const seconds = (value: string): number => {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0 || n > 60) throw new ValidationError(`"${value}" is not a number of seconds between 0 and 60`, '--wait');
  return n;
};

/**
 * `rackboot check`: validate the config without starting anything (as `dnsmasq --test`,
 * `kea-dhcp4 -t`), then the machine. Exit 0 when every check is ok or warn, 1 on any fail
 * (docs/check.md).
 */
export function registerCheckCommand(program: Command, ctx: CliContext): void {
  program
    .command('check')
    .description('check the config and this machine (ports, interface, boot files, templates, database, other DHCP servers) without starting anything; exit 1 on any fail')
    .option('--offline', 'do not send the DHCPDISCOVER that looks for other DHCP servers')
    .option('--wait <seconds>', 'how long to listen for DHCP servers answering', seconds, 2)
    .option('--json', 'print a JSON array of {check, status, message}')
    .action(async (o: { offline?: boolean; wait: number; json?: boolean }) => {
      // Loaded on demand, like serve: other verbs never load the DHCP probe or the port checks.
      const { runChecks } = await import('../check/run.js');
      const results = await runChecks(() => ctx.config(), { offline: o.offline ?? false, waitS: o.wait });
      ctx.out(o.json ? formatJson(results) : formatResults(results));
      const code = exitCode(results);
      if (code !== 0) throw new CommanderError(code, 'rackboot.check', 'a check failed');
    });
}
