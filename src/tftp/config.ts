import { z } from 'zod';

/**
 * `tftp:` section of the config file. Owned by the tftp subsystem; see docs/tftp.md.
 * TFTP is on by default: a PXE boot server without it boots nothing.
 */
export const tftpConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    address: z.union([z.ipv4(), z.ipv6()]).default('0.0.0.0'),
    port: z.number().int().min(0).max(65535).default(69),
    /** Boot files (loaders, menus, splash), served at the TFTP root. Relative to the config file. */
    bootDir: z.string().default('./boot'),
    /** Also serve Debian's pxelinux/syslinux files (/usr/lib/PXELINUX, /usr/lib/syslinux/modules/bios). */
    syslinux: z.boolean().default(true),
    /** Largest RFC 2348 blksize granted: 1468 fits a 1500-byte MTU (IP 20 + UDP 8 + TFTP 4). */
    maxBlksize: z.number().int().min(8).max(65464).default(1468),
    /** Largest RFC 7440 windowsize granted. */
    maxWindowsize: z.number().int().min(1).max(65535).default(64),
    /** Retransmission timeout bounds (ms); the timeout adapts to the measured round trip in between. */
    minTimeoutMs: z.number().int().min(1).default(50),
    initialTimeoutMs: z.number().int().min(1).default(1000),
    maxTimeoutMs: z.number().int().min(1).default(5000),
    /** Retransmissions of the same window before the transfer is abandoned. */
    retries: z.number().int().min(0).default(6),
    /**
     * Threads that run transfers: 'auto' = one per core (at most 4); 0 = all in the
     * listener's thread. Path checks, rendering and the inventory stay in the main thread.
     */
    workers: z.union([z.literal('auto'), z.number().int().min(0).max(64)]).default('auto'),
    /**
     * After each DATA, keep the transfer thread polling this long (µs) for the ACK instead of
     * sleeping, while it runs at most 2 transfers and answers come within it (busy-poll.ts).
     * Costs up to one core per transfer thread during lock-step transfers; 0 turns it off.
     */
    busyPollMicros: z.number().int().min(0).max(10_000).default(300),
    maxTransfers: z.number().int().min(1).default(512),
    maxTransfersPerClient: z.number().int().min(1).default(8),
  })
  .strict()
  .refine((c) => c.minTimeoutMs <= c.initialTimeoutMs && c.initialTimeoutMs <= c.maxTimeoutMs, {
    message: 'need minTimeoutMs <= initialTimeoutMs <= maxTimeoutMs',
    path: ['initialTimeoutMs'],
  });

export type TftpConfig = z.infer<typeof tftpConfigSchema>;
