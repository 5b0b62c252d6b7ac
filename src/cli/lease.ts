import type { Command } from 'commander';
import { LeaseRepo, type LeaseRecord } from '../store/leases.js';
import type { CliContext } from './context.js';
import { json, table, withJson } from './shared.js';

/** "bound" past its expiry shows as "expired": the server reclaims it on the next allocation. */
const shownState = (l: LeaseRecord, now: number): string => (l.state === 'bound' && l.expiresAt <= now ? 'expired' : l.state);

export function registerLeaseCommands(program: Command, ctx: CliContext, clock: () => number = Date.now): void {
  const lease = program.command('lease').description('DHCP leases (what the DHCP server handed out)');

  withJson(
    lease
      .command('list')
      .description('list leases: address, MAC, state, expiry, hostname')
      .option('--active', 'only bound, unexpired leases')
      .option('--subnet <cidr>', 'only this subnet, e.g. 10.1.0.0/24'),
  ).action((o: { json?: boolean; active?: boolean; subnet?: string }) => {
    const now = clock();
    const list = new LeaseRepo(ctx.db()).list({ activeAt: o.active ? now : undefined, subnet: o.subnet });
    if (o.json) {
      return ctx.out(json(list.map((l) => ({ ...l, state: shownState(l, now), expiresAt: new Date(l.expiresAt).toISOString(), updatedAt: new Date(l.updatedAt).toISOString() }))));
    }
    const rows = list.map((l) => [l.ip, l.mac, shownState(l, now), new Date(l.expiresAt).toISOString(), l.hostname, l.fixed ? 'fixed' : 'pool', l.subnet]);
    ctx.out(table(['IP', 'MAC', 'STATE', 'EXPIRES', 'HOSTNAME', 'KIND', 'SUBNET'], rows));
  });
}
