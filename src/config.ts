import { readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { tftpConfigSchema } from './tftp/config.js';
import { dhcpConfigSchema } from './dhcp/config.js';
import { multicastConfigSchema } from './multicast/config.js';
import { httpConfigSchema } from './api/config.js';

/**
 * The config file (YAML). Every key has a default, so `rackboot serve` runs with no file
 * ("embedded default": data in ./var, images in ./images). Sub-sections are owned by
 * their subsystem's config.ts. Note: zod 4 `.default({})` does not apply inner defaults;
 * sections use `.prefault({})`.
 */
export const configSchema = z
  .object({
    dataDir: z.string().default('./var'),
    database: z.string().optional(), // default <dataDir>/rackboot.db
    imagesDir: z.string().default('./images'),
    templatesDir: z.string().nullable().default(null), // admin overrides, searched first
    /** Admin overlays (one folder per overlay), searched before the built-in ones: the same name here wins. */
    overlaysDir: z.string().nullable().default(null),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** text: one readable line per event; json: pino JSON lines; auto: text on a terminal, else json. */
    logFormat: z.enum(['auto', 'text', 'json']).default('auto'),
    /** Provisioning interface name (e.g. eth1); null = don't bind to one. */
    interface: z.string().nullable().default(null),
    /** Address nodes reach rackboot on (next-server, HTTP URLs); null = the interface's. */
    serverAddress: z.ipv4().nullable().default(null),
    boot: z
      .object({
        /** What an unregistered machine boots: local disk, or a discovery/menu profile. */
        unknown: z.enum(['localboot', 'profile']).default('localboot'),
        /** Profile used for unknown machines when unknown = profile. */
        defaultProfile: z.string().nullable().default(null),
      })
      .strict()
      .prefault({}),
    tftp: tftpConfigSchema.prefault({}),
    dhcp: dhcpConfigSchema.prefault({}),
    http: httpConfigSchema.prefault({}),
    multicast: multicastConfigSchema.prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema> & { database: string; configFile: string | null };

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.length ? issue.path.join('.') : '(top level)';
  return `${key}: ${issue.message}`;
}

/** Validate a parsed config object; paths are resolved against `baseDir`. */
export function parseConfig(raw: unknown, baseDir: string, configFile: string | null = null): Config {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) {
    const lines = result.error.issues.map(describeIssue);
    throw new ConfigError(`invalid config${configFile ? ` in ${configFile}` : ''}:\n  ${lines.join('\n  ')}`);
  }
  const c = result.data;
  const dataDir = resolve(baseDir, c.dataDir);
  return {
    ...c,
    dataDir,
    database: resolve(baseDir, c.database ?? resolve(dataDir, 'rackboot.db')),
    imagesDir: resolve(baseDir, c.imagesDir),
    templatesDir: c.templatesDir === null ? null : resolve(baseDir, c.templatesDir),
    overlaysDir: c.overlaysDir === null ? null : resolve(baseDir, c.overlaysDir),
    configFile,
  };
}

/** Load a YAML config file, or the embedded default when `file` is undefined. */
export function loadConfig(file: string | undefined, cwd = process.cwd()): Config {
  if (file === undefined) return parseConfig({}, cwd, null);
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${path}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid YAML: ${(e as Error).message}`);
  }
  return parseConfig(raw, dirname(path), path);
}
