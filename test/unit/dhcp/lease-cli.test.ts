import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerLeaseCommands } from '../../../src/cli/lease.js';
import type { CliContext } from '../../../src/cli/context.js';
import { LeaseRepo, type LeaseRecord } from '../../../src/store/leases.js';
import { tempDb } from './fakes.js';

const NOW = 1_800_000_000_000;
const lease = (ip: string, mac: string, extra: Partial<LeaseRecord> = {}): LeaseRecord => ({
  ip, mac, state: 'bound', expiresAt: NOW + 3600_000, subnet: '10.0.0.0/24', hostname: null, clientId: null, fixed: false, updatedAt: NOW, ...extra,
});

let t: ReturnType<typeof tempDb>;
let out: string[];
const run = async (...argv: string[]) => {
  const program = new Command().exitOverride();
  const ctx = { db: () => t.db, config: () => { throw new Error('unused'); }, out: (s: string) => void out.push(s) } as unknown as CliContext;
  registerLeaseCommands(program, ctx, () => NOW);
  await program.parseAsync(argv, { from: 'user' });
  return out.join('\n');
};

beforeEach(() => {
  t = tempDb();
  out = [];
  new LeaseRepo(t.db).saveMany([
    lease('10.0.0.100', '52:54:00:00:00:02'),
    lease('10.0.0.9', '52:54:00:00:00:01', { hostname: 'n1', fixed: true }),
    lease('10.0.0.101', '52:54:00:00:00:03', { expiresAt: NOW - 1 }),
    lease('10.1.0.5', '52:54:00:00:00:04', { subnet: '10.1.0.0/24', state: 'declined' }),
  ]);
});
afterEach(() => t.cleanup());

describe('rackboot lease list', () => {
  it('prints a table ordered by address; bound past expiry shows as expired', async () => {
    const text = await run('lease', 'list');
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^IP\s+MAC\s+STATE\s+EXPIRES\s+HOSTNAME\s+KIND\s+SUBNET$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['10.0.0.9', '10.0.0.100', '10.0.0.101', '10.1.0.5']);
    expect(lines[1]).toMatch(/52:54:00:00:00:01\s+bound\s+\S+\s+n1\s+fixed/);
    expect(lines[3]).toMatch(/expired/);
  });

  it('--active --json gives only bound, unexpired leases', async () => {
    const list = JSON.parse(await run('lease', 'list', '--active', '--json')) as Array<{ ip: string; state: string; expiresAt: string }>;
    expect(list.map((l) => l.ip)).toEqual(['10.0.0.9', '10.0.0.100']);
    expect(list[0]!.expiresAt).toBe(new Date(NOW + 3600_000).toISOString());
  });

  it('--subnet filters', async () => {
    const list = JSON.parse(await run('lease', 'list', '--subnet', '10.1.0.0/24', '--json')) as Array<{ ip: string; state: string }>;
    expect(list).toEqual([expect.objectContaining({ ip: '10.1.0.5', state: 'declined' })]);
  });
});
