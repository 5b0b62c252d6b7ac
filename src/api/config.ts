import { z } from 'zod';

/** `http:` section: boot files / iPXE scripts over HTTP, report-back, REST API, web page. */
export const httpConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    address: z.string().default('0.0.0.0'),
    port: z.number().int().min(1).max(65535).default(8080),
  })
  .strict();

export type HttpConfig = z.infer<typeof httpConfigSchema>;
