import type { Database } from 'better-sqlite3';
import type { Config } from '../config.js';
import { openInventory } from '../inventory/open.js';
import { NodeRepo } from '../store/nodes.js';
import { ProfileRepo } from '../store/profiles.js';
import { defaultMounts } from '../tftp/mounts.js';
import { checkImages, checkLoaders, checkProfiles } from './boot-files.js';
import { checkDatabase } from './database.js';
import { probeDhcpServers } from './dhcp-probe.js';
import { judgeAnswers, probeSkipped } from './dhcp-servers.js';
import { checkInterface, provisioning } from './interface.js';
import { describeHolders, portHolders } from './port-holder.js';
import { checkPorts } from './ports.js';
import { fail, ok, type CheckResult } from './result.js';
import { checkOverlays, checkProfileRendering, checkTemplateSyntax, nodesByProfile } from './templates.js';

export interface CheckOptions {
  /** Skip the DHCP probe (nothing is sent on the network). */
  offline: boolean;
  /** Seconds the probe listens for answers. */
  waitS: number;
}

/** A check that throws (a bug, an unreadable folder) is a fail naming it, never the end of the run. */
async function guarded(check: string, run: () => CheckResult | CheckResult[] | Promise<CheckResult | CheckResult[]>): Promise<CheckResult[]> {
  try {
    const r = await run();
    return Array.isArray(r) ? r : [r];
  } catch (e) {
    return [fail(check, `check failed: ${(e as Error).message}`)];
  }
}

/**
 * The checks that read the inventory, on `db` at the current schema. The renderer gets the
 * server address check resolved without throwing, so a missing interface (already failed
 * by the interface check) does not hide every other result.
 */
export async function inventoryChecks(db: Database, config: Config): Promise<CheckResult[]> {
  const mounts = defaultMounts(config);
  const results = [...(await guarded('profiles', () => checkProfiles(db, config, mounts))), ...(await guarded('images', () => checkImages(db, config)))];
  const resolved: Config = { ...config, serverAddress: provisioning(config).serverAddress };
  results.push(
    ...(await guarded('rendering', () => {
      const { renderer, backend } = openInventory(db, resolved);
      const profiles = new ProfileRepo(db).list();
      const byProfile = nodesByProfile(new NodeRepo(db).list(), config.boot.defaultProfile);
      return [checkProfileRendering(profiles, byProfile, renderer), checkOverlays(profiles, byProfile, backend)];
    })),
  );
  return results;
}

/** What needs neither the network nor the database: interface, loaders, template syntax. */
export async function machineChecks(config: Config): Promise<CheckResult[]> {
  return [
    ...(await guarded('interface', () => checkInterface(config))),
    ...(await guarded('loaders', () => checkLoaders(config))),
    ...(await guarded('templates', () => checkTemplateSyntax(config))),
  ];
}

/** Who else answers DHCP on the provisioning segment (sends one DHCPDISCOVER, twice). */
export async function dhcpServersCheck(config: Config, waitS: number): Promise<CheckResult> {
  // Only on an interface the admin named: a DISCOVER is a broadcast, and a guessed interface
  // may be a network rackboot has no business probing.
  if (!(config.dhcp.interface ?? config.interface)) return probeSkipped('no provisioning interface configured (set interface: or dhcp.interface:); nothing was sent');
  const p = provisioning(config);
  if (!p.name || !p.address || !p.mac) return probeSkipped(`no provisioning interface with an IPv4 address to send a DHCPDISCOVER from (set interface:)`);
  try {
    const answers = await probeDhcpServers({ address: p.address, mac: p.mac, waitMs: waitS * 1000 });
    return judgeAnswers(answers, config.dhcp.mode, p.serverAddress, p.name, waitS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES') return probeSkipped('sending from UDP port 68 needs root');
    if (code === 'EADDRINUSE') {
      const holders = portHolders('udp', 68);
      return probeSkipped(`UDP port 68 is held by ${holders.length ? describeHolders(holders) : 'another program'}`);
    }
    return probeSkipped(`cannot send a DHCPDISCOVER on ${p.name}: ${(e as Error).message}`);
  }
}

/**
 * `rackboot check`: the config first (a bad one ends the run, nothing else can be trusted),
 * then ports, interface, boot files, templates, database and inventory, then, unless
 * offline, the DHCP probe. Nothing is started, created or written.
 */
export async function runChecks(load: () => Config, opts: CheckOptions): Promise<CheckResult[]> {
  let config: Config;
  try {
    config = load();
  } catch (e) {
    return [fail('config', (e as Error).message)];
  }
  const results: CheckResult[] = [ok('config', `${config.configFile ?? 'the embedded default config'} is valid (dhcp.mode ${config.dhcp.mode})`)];
  results.push(...(await guarded('ports', () => checkPorts(config))));
  results.push(...(await machineChecks(config)));
  const { result, db } = checkDatabase(config.database);
  results.push(result);
  if (db) {
    try {
      results.push(...(await inventoryChecks(db, config)));
    } finally {
      db.close();
    }
  }
  if (!opts.offline) results.push(await dhcpServersCheck(config, opts.waitS));
  return results;
}

/**
 * What `serve` runs at start, on its own open database: the offline checks except ports (it
 * binds them next, and a bind error is already explained) and the schema (it just migrated).
 * Only the results that are not ok: serve logs them as warnings and starts anyway.
 */
export async function startupChecks(config: Config, db: Database): Promise<CheckResult[]> {
  const results = [...(await machineChecks(config)), ...(await inventoryChecks(db, config))];
  return results.filter((r) => r.status !== 'ok');
}
