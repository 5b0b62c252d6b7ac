import { z } from 'zod';

/** `dhcp:` section of the config file. Owned by the dhcp subsystem. */
export const dhcpConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
  })
  .strict();

export type DhcpConfig = z.infer<typeof dhcpConfigSchema>;
