import { z } from 'zod';

/** `tftp:` section of the config file. Owned by the tftp subsystem. */
export const tftpConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
  })
  .strict();

export type TftpConfig = z.infer<typeof tftpConfigSchema>;
