import { z } from 'zod';
import { MAX_SLICE_US, MIN_SLICE_US, validSliceUs } from '../cpu-slice.js';
import { DEFAULT_PORT_BASE, MAX_BLOCK_SIZE, MAX_SLICE_BLOCKS } from '../wire/udpcast/constants.js';

/** "900m", "1g", "500k", "12000000": bits per second, as udp-sender's --max-bitrate reads it. */
export function parseBitrate(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg])?(?:bps|bit\/s)?$/i.exec(text.trim());
  if (!m) return null;
  const unit = { k: 1e3, m: 1e6, g: 1e9 }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 1;
  return Math.round(Number(m[1]) * unit);
}

const bitrate = z
  .union([z.number().int().positive(), z.string()])
  .transform((v, ctx) => {
    const n = typeof v === 'number' ? v : parseBitrate(v);
    if (n === null || n <= 0) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a bitrate (e.g. 900m, 1g, 500000000)` });
      return z.NEVER;
    }
    return n;
  });

/**
 * `multicast:` section of the config file. Defaults are udp-sender's: port base 9000,
 * data group derived from the sender's address (232.x.y.z rule), TTL 1, block size 1456.
 */
export const multicastConfigSchema = z
  .object({
    /** Whether `rackboot serve` offers pushes through the API. */
    enabled: z.boolean().default(true),
    /** Receivers bind P, the sender P+1. Concurrent pushes take the next free even base. */
    portBase: z.number().int().min(1024).max(65532).refine((p) => p % 2 === 0, 'must be even').default(DEFAULT_PORT_BASE),
    /** Data group; null = udpcast's rule (sender address with its top 5 bits set to 232's). */
    group: z.ipv4().nullable().default(null),
    ttl: z.number().int().min(1).max(255).default(1),
    /** Interface to push on; null = the top-level `interface`, else the first IPv4 one. */
    interface: z.string().nullable().default(null),
    /**
     * full: keep two slices in flight, udp-sender's default (the second one goes out once
     * every receiver answered a REQACK of the first, so none sees a slice after a whole lost
     * one, which makes a stock udp-receiver exit); half: send slice n+1 only once slice n is
     * acknowledged by every receiver, so the link waits a round trip per slice. Why full is
     * the default: docs/multicast.md, "Full and half duplex".
     */
    duplex: z.enum(['full', 'half']).default('full'),
    /** Rate limit (bits/s, "900m", "1g"); null = the link speed the NIC reports, if any. */
    maxBitrate: bitrate.nullable().default(null),
    /**
     * Adapt the rate to loss below maxBitrate (AIMD): −10% after a slice that needed more
     * than 5% of its blocks again (floor 25%), +2% after a light-loss one. Off by default:
     * measured here, receivers starved of CPU lose packets whatever the rate.
     */
    autoRate: z.boolean().default(false),
    /** With exactly one receiver, send DATA unicast to it (udp-sender does; --nopointopoint). */
    pointToPoint: z.boolean().default(true),
    /**
     * Hand the kernel up to 40 DATA datagrams per system call (UDP segmentation offload,
     * Linux ≥ 4.18) when native/udp_gso.node was built; the datagrams on the wire are the
     * same. Falls back to one call per datagram if the helper is missing or the kernel refuses.
     */
    gso: z.boolean().default(true),
    /**
     * Time slice (µs) the process asks the kernel for while a push runs (EEVDF custom slice,
     * Linux ≥ 6.12; 100 is the kernel's minimum); 0 = the kernel's default (1.4 ms on this
     * 2-CPU 6.18 machine). Same CPU share; a receiver woken on the sender's CPU gets it
     * sooner (see src/cpu-slice.ts).
     */
    cpuSliceUs: z
      .number()
      .int()
      .refine(validSliceUs, `must be 0 (the kernel's default) or ${MIN_SLICE_US}..${MAX_SLICE_US} microseconds`)
      .default(MIN_SLICE_US),
    blockSize: z.number().int().min(64).max(MAX_BLOCK_SIZE).refine((b) => b % 4 === 0, 'must be a multiple of 4').default(MAX_BLOCK_SIZE),
    sliceBlocks: z
      .object({
        start: z.number().int().min(1).max(MAX_SLICE_BLOCKS).default(130),
        min: z.number().int().min(1).max(MAX_SLICE_BLOCKS).default(32),
        max: z.number().int().min(1).max(MAX_SLICE_BLOCKS).default(MAX_SLICE_BLOCKS),
      })
      .strict()
      .prefault({}),
    start: z
      .object({
        /** Start early with this many receivers once maxWait passed; null = the whole target. */
        minReceivers: z.number().int().min(1).nullable().default(null),
        /** Seconds to wait for the whole target before starting with minReceivers. */
        maxWait: z.number().min(0).default(60),
        /** Seconds after which a push with fewer than minReceivers joined fails. */
        timeout: z.number().min(0).nullable().default(600),
      })
      .strict()
      .prefault({}),
    /**
     * Pushes rackboot starts on its own for nodes booting an image (docs/diskless.md): the
     * nodes of one image that ask for it within maxWait seconds of the first one get one
     * push when there are at least minReceivers of them, else each fetches over HTTP.
     */
    autoPush: z
      .object({
        enabled: z.boolean().default(true),
        minReceivers: z.number().int().min(1).default(2),
        // At most 60: the node initrd waits 90 s for its plan, then gives up on it.
        maxWait: z.number().min(0).max(60).default(10),
        /** Seconds a started auto push waits for its nodes to join before sending to those that did. */
        joinWait: z.number().min(0).default(15),
      })
      .strict()
      .prefault({}),
    /** Seconds without any answer after which a receiver is dropped (the others go on). */
    dropAfter: z.number().min(0.1).default(10),
    /** Seconds to wait after the last join before the first slice (receivers join the group). */
    settle: z.number().min(0).default(1),
    /** Seconds between HELLOs while receivers join (udp-sender: 1 s). */
    helloInterval: z.number().min(0.05).default(1),
  })
  .strict();

export type MulticastConfig = z.infer<typeof multicastConfigSchema>;
