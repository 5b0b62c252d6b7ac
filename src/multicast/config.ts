import { z } from 'zod';

/** `multicast:` section of the config file. Owned by the multicast subsystem. */
export const multicastConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
  })
  .strict();

export type MulticastConfig = z.infer<typeof multicastConfigSchema>;
