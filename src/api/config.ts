import { z } from 'zod';

/** `http:` section: boot files / iPXE scripts over HTTP, report-back, REST API, web page. */
export const httpConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    address: z.string().default('0.0.0.0'),
    port: z.number().int().min(1).max(65535).default(8080),
    /** Largest JSON / form body accepted (bulk imports included), in express "size" words. */
    bodyLimit: z.string().regex(/^\d+(b|kb|mb)$/i, 'a size such as 512kb or 4mb').default('4mb'),
    /** Require a bearer token for GET /metrics (Prometheus sends it with `authorization`). */
    metricsAuth: z.boolean().default(false),
    /** Mark the login cookie Secure: set when a TLS reverse proxy sits in front. */
    cookieSecure: z.boolean().default(false),
    /** Serve boot files (loader, kernel, initrd) under /boot/files/ as TFTP does. */
    bootFiles: z.boolean().default(true),
  })
  .strict();

export type HttpConfig = z.infer<typeof httpConfigSchema>;
