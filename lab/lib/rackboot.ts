import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { packageRoot } from '../../src/paths.js';
import type { LabNet } from './netns.js';
import { Service } from './service.js';

/** The built CLI: `npm run build` (tsc) puts it here. */
export function rackbootBin(): string {
  const bin = join(packageRoot(), 'dist/src/main.js');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build first`);
  return bin;
}

export interface LabServerOptions {
  net: LabNet;
  workDir: string;
  httpPort: number;
  /** BIOS loader path as the ROM asks TFTP for it, e.g. pxelinux.0 or X86PC/linux/linux.0. */
  biosLoader?: string;
  efiLoader?: string;
  /** pxelinux option 210: the prefix per-MAC configs are looked up under. */
  pathPrefix?: string | null;
  /** false: iPXE ROMs get the pxelinux loader (the PXE path under test), not an iPXE script URL. */
  ipxeScript?: boolean;
  /** Profile that unregistered machines boot; null: local boot. */
  defaultProfile?: string | null;
  pool: { start: string; end: string };
}

export interface LabServerFiles {
  configFile: string;
  database: string;
  imagesDir: string; // served over TFTP as images/…
  bootDir: string; // served at the TFTP root
}

/** Write rackboot.yaml for the lab: full DHCP, TFTP and HTTP on the server namespace's interface. */
export function writeLabConfig(o: LabServerOptions): LabServerFiles {
  const imagesDir = join(o.workDir, 'images');
  const bootDir = join(o.workDir, 'boot');
  const database = join(o.workDir, 'var', 'rackboot.db');
  for (const d of [imagesDir, bootDir, dirname(database)]) mkdirSync(d, { recursive: true });
  const config = {
    dataDir: join(o.workDir, 'var'),
    database,
    imagesDir,
    logLevel: 'debug',
    logFormat: 'text',
    interface: o.net.serverIf,
    serverAddress: o.net.serverIp,
    boot: o.defaultProfile ? { unknown: 'profile', defaultProfile: o.defaultProfile } : { unknown: 'localboot' },
    tftp: { enabled: true, address: '0.0.0.0', bootDir },
    http: { enabled: true, address: o.net.serverIp, port: o.httpPort },
    dhcp: {
      mode: 'full',
      interface: o.net.serverIf,
      authoritative: true,
      unknownMacs: 'serve',
      subnets: [{ network: `${o.net.subnet}.0/${o.net.prefixLen}`, pools: [o.pool], leaseTime: 600 }],
      loaders: { bios: o.biosLoader ?? 'pxelinux.0', efi: o.efiLoader ?? 'syslinux.efi', ipxeScript: o.ipxeScript ?? false },
      pxelinux: { pathPrefix: o.pathPrefix ?? null },
    },
  };
  const configFile = join(o.workDir, 'rackboot.yaml');
  writeFileSync(configFile, stringify(config));
  return { configFile, database, imagesDir, bootDir };
}

/** Run one CLI verb against the lab's config (and so its database); throws with stderr on failure. */
export function rackbootCli(configFile: string, args: string[]): string {
  try {
    return execFileSync(process.execPath, [rackbootBin(), '--config', configFile, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`rackboot ${args.join(' ')} failed: ${err.stderr?.trim() || err.message}`);
  }
}

/** `rackboot serve` inside the server namespace; resolves once it says it is ready. */
export async function startRackboot(net: LabNet, configFile: string, logFile: string): Promise<Service> {
  const svc = new Service('rackboot serve', net.serverNs, [process.execPath, rackbootBin(), '--config', configFile, 'serve'], logFile);
  await svc.waitFor(/rackboot is ready/, 20_000);
  return svc;
}

export interface ShownNode {
  hostname: string;
  mac: string;
  ip: string | null;
  nodeId: number | null;
  lastStage: string | null;
  events: { stage: string; at: string; detail: string | null }[];
}

export const showNode = (configFile: string, ref: string): ShownNode =>
  JSON.parse(rackbootCli(configFile, ['node', 'show', ref, '--json'])) as ShownNode;

export interface Discovered {
  mac: string;
  arch: number | null;
  vendorClass: string | null;
  seenCount: number;
}

export const listDiscovered = (configFile: string): Discovered[] =>
  JSON.parse(rackbootCli(configFile, ['node', 'discovered', '--json'])) as Discovered[];
