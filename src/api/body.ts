import { z } from 'zod';
import { ValidationError } from '../errors.js';

/** Parse a request body (or query) with `schema`; the first problem becomes a ValidationError naming its field. */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    throw new ValidationError(`unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`, field || undefined);
  }
  throw new ValidationError(issue.message, field || undefined);
}

const text = z.string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') });
const optText = z.string({ error: 'must be a string or null' }).nullable().optional();

export const nodeFields = {
  mac: text,
  hostname: text,
  ip: optText,
  nodeId: z.number({ error: 'must be an integer or null' }).int().min(0).nullable().optional(),
  cluster: optText,
  rack: optText,
  profile: optText,
  extraArgs: z.string({ error: 'must be a string' }).optional(),
  domain: optText,
  rootPath: optText,
  dhcpOptions: z.record(z.string(), z.string({ error: 'option values must be strings' })).optional(),
};
export const nodeCreate = z.object(nodeFields).strict();
export const nodePatch = z.object(nodeFields).partial().strict();
const { mac: _mac, ...approveFields } = nodeFields;
export const approveBody = z.object(approveFields).strict();

export const clusterFields = {
  name: text,
  sessionId: z.number().int().optional(),
  nbmin: z.number().int().optional(),
  iface: z.string().optional(),
  nodeIdPolicy: z.enum(['lowest-free', 'from-ip']).optional(),
};
export const clusterCreate = z.object(clusterFields).strict();
export const clusterPatch = z.object(clusterFields).partial().strict();

const label = z
  .object({
    name: text,
    menuLabel: optText,
    localboot: z.number().int().nullable().optional(),
    kernel: optText,
    initrds: z.array(z.string()).optional(),
    args: z.string().optional(),
  })
  .strict();
export const profileFields = {
  name: text,
  template: z.string().optional(),
  prompt: z.number().int().optional(),
  timeout: z.number().int().optional(),
  display: optText,
  f1: optText,
  defaultLabel: optText,
  labels: z.array(label, { error: 'must be a list of labels' }),
  pushImage: optText,
  overlays: z.array(z.string()).optional(),
  bootImage: optText,
  kernelFromImage: z.boolean().optional(),
  rootMode: z.enum(['overlay', 'ram']).optional(),
};
export const profileCreate = z.object(profileFields).strict();
export const profilePatch = z.object(profileFields).partial().strict();

export const imageCreate = z
  .object({ name: text, file: text, kind: z.enum(['kernel', 'initrd', 'disk', 'rootfs']).optional() })
  .strict();

export const importBody = z
  .object({
    format: z.enum(['dhcpd', 'dolly', 'kerrighed', 'csv']),
    text,
    cluster: z.string().optional(),
    rack: z.string().optional(),
    profile: z.string().optional(),
  })
  .strict();
