import { z } from 'zod';

const CIDR = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d|[12]\d|3[0-2])$/;

const range = z
  .object({ start: z.ipv4(), end: z.ipv4() })
  .strict();

/** One subnet: a rack behind a relay (chosen by giaddr) or the local provisioning segment. */
export const subnetSchema = z
  .object({
    /** CIDR, e.g. 10.1.0.0/24. Relayed requests pick the subnet containing giaddr. */
    network: z.string().regex(CIDR, 'expected a CIDR such as 10.1.0.0/24'),
    /** Dynamic ranges; fixed node addresses may sit inside or outside them. */
    pools: z.array(range).default([]),
    /** Option 1; default: from the CIDR prefix. */
    mask: z.ipv4().nullable().default(null),
    router: z.array(z.ipv4()).default([]),
    dns: z.array(z.ipv4()).default([]),
    domain: z.string().nullable().default(null),
    /** Option 28; default: from the CIDR. */
    broadcast: z.ipv4().nullable().default(null),
    leaseTime: z.number().int().min(60).max(0x7fffffff).default(3600),
    /** siaddr / TFTP server; default: rackboot's serverAddress. */
    nextServer: z.ipv4().nullable().default(null),
    /** Extra relay addresses (giaddr) that also select this subnet (e.g. a relay's other IP). */
    relays: z.array(z.ipv4()).default([]),
    /** Extra options for every client on this subnet: code → hex ("0a0b") or text. */
    options: z.record(z.string().regex(/^\d{1,3}$/), z.string()).default({}),
  })
  .strict();

/** Boot files by client (RFC 4578 option 93 and vendor class). Paths as the ROM asks TFTP. */
export const loadersSchema = z
  .object({
    bios: z.string().default('pxelinux.0'),
    /** EFI x64 (7, 9) and any other non-BIOS architecture without an entry in `byArch`. */
    efi: z.string().default('syslinux.efi'),
    /** Per-architecture overrides, e.g. { "6": "efi32/syslinux.efi" }. */
    byArch: z.record(z.string().regex(/^\d{1,5}$/), z.string()).default({}),
    /** Etherboot clients (vendor class "Etherboot-…"), as the old dhcpd.conf had it. */
    etherboot: z.string().default('nbgrub'),
    /** When false, clients with user class iPXE get the loader again instead of a script URL. */
    ipxeScript: z.boolean().default(true),
  })
  .strict();

/** RFC 5071 options 209–211, sent with the 208 magic when any is set. */
export const pxelinuxSchema = z
  .object({
    configFile: z.string().nullable().default(null),
    pathPrefix: z.string().nullable().default(null),
    rebootTime: z.number().int().min(0).nullable().default(null),
  })
  .strict();

/** `dhcp:` section of the config file. Owned by the dhcp subsystem. */
export const dhcpConfigSchema = z
  .object({
    /** full: assign addresses (port 67); proxy: boot information only (67 + 4011); off. */
    mode: z.enum(['full', 'proxy', 'off']).default('off'),
    /** Provisioning interface; null = the top-level `interface`. Broadcasts leave through it. */
    interface: z.string().nullable().default(null),
    /** Listen address; default 0.0.0.0 (broadcasts arrive only on a wildcard socket). */
    listenAddress: z.ipv4().default('0.0.0.0'),
    /** UDP ports, overridable for tests and unprivileged runs. */
    serverPort: z.number().int().min(1).max(65535).default(67),
    clientPort: z.number().int().min(1).max(65535).default(68),
    proxyPort: z.number().int().min(1).max(65535).default(4011),
    /** NAK wrong INIT-REBOOT requests (RFC 2131 §4.3.2); off by default like the old dhcpd.conf. */
    authoritative: z.boolean().default(false),
    /** MACs not in the inventory: serve from the pool, ignore, or answer only PXE ROMs. */
    unknownMacs: z.enum(['serve', 'ignore', 'pxe-only']).default('serve'),
    /** How long an OFFER holds its address for the client's REQUEST. */
    offerHoldSeconds: z.number().int().min(1).max(3600).default(60),
    /** How long a DECLINEd address stays out of the pool. */
    declineHoldSeconds: z.number().int().min(1).default(3600),
    /** ACKs wait for their lease to be committed; 0 = adaptive (at once when requests come one by one, grouped over 1 ms when they come faster than one per 250 µs), N = every N ms. */
    flushMilliseconds: z.number().int().min(0).max(1000).default(0),
    subnets: z.array(subnetSchema).default([]),
    loaders: loadersSchema.prefault({}),
    pxelinux: pxelinuxSchema.prefault({}),
  })
  .strict();

export type DhcpConfig = z.infer<typeof dhcpConfigSchema>;
export type SubnetConfig = z.infer<typeof subnetSchema>;
export type LoadersConfig = z.infer<typeof loadersSchema>;
