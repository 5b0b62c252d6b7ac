import { stringify } from 'yaml';
import { z } from 'zod';
import { configSchema } from './config.js';
import { CONFIG_DESCRIPTIONS, CONFIG_EXAMPLES } from './config-descriptions.js';

/**
 * The config file, documented: every key of configSchema (and the subsystems' sections), with
 * its default and a one-line meaning, generated from the schemas so it cannot drift. Used for
 * the packaged /etc/rackboot/rackboot.yaml (packaging/build-deb.ts); meant for `config show`
 * and docs too.
 *
 * Layout: a meaning line `# text`, then the key. A key line is `#key: default` when the key is
 * not set (delete the `#` to set it) and `key: value` when it is. A list of objects
 * (dhcp.subnets) is shown as one commented example item.
 */

type Schema = z.core.$ZodType;

export interface ConfigKeyDoc {
  /** Dotted path; `[]` marks the fields of one list item (`dhcp.subnets[].network`). */
  key: string;
  kind: 'leaf' | 'section' | 'list';
  /** The schema's default, or an example value for keys without one (`hasDefault` false). */
  default: unknown;
  hasDefault: boolean;
  description: string;
  children: ConfigKeyDoc[];
}

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable']);

function unwrap(s: Schema): { inner: Schema; hasDefault: boolean } {
  let hasDefault = false;
  while (WRAPPERS.has(s._zod.def.type)) {
    if (s._zod.def.type === 'default' || s._zod.def.type === 'prefault') hasDefault = true;
    s = (s._zod.def as unknown as { innerType: Schema }).innerType;
  }
  return { inner: s, hasDefault };
}

const shapeOf = (s: Schema): Record<string, Schema> | null =>
  s._zod.def.type === 'object' ? (s._zod.def as unknown as { shape: Record<string, Schema> }).shape : null;

function listElement(s: Schema): Schema | null {
  if (s._zod.def.type !== 'array') return null;
  const element = unwrap((s._zod.def as unknown as { element: Schema }).element).inner;
  return shapeOf(element) ? element : null;
}

function describe(field: Schema, key: string): string {
  return z.globalRegistry.get(field)?.description ?? CONFIG_DESCRIPTIONS[key] ?? '(not documented yet)';
}

/** One list item's values: its defaults, with the examples for fields that have none. */
function itemDefaults(element: Schema, key: string, dataDir: string): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(shapeOf(element)!)) {
    const example = CONFIG_EXAMPLES[`${key}[].${name}`];
    if (example && !unwrap(field).hasDefault) item[name] = example(dataDir);
  }
  const parsed = z.safeParse(element, item);
  return parsed.success ? (parsed.data as Record<string, unknown>) : item;
}

function docsOf(shape: Record<string, Schema>, prefix: string, defaults: Record<string, unknown>, dataDir: string): ConfigKeyDoc[] {
  return Object.entries(shape).map(([name, field]) => {
    const key = prefix ? `${prefix}.${name}` : name;
    const { inner, hasDefault } = unwrap(field);
    const description = describe(field, key);
    const fields = shapeOf(inner);
    const element = listElement(inner);
    if (fields) {
      const children = docsOf(fields, key, (defaults[name] ?? {}) as Record<string, unknown>, dataDir);
      return { key, kind: 'section', default: defaults[name], hasDefault, description, children };
    }
    if (element) {
      const children = docsOf(shapeOf(element)!, `${key}[]`, itemDefaults(element, key, dataDir), dataDir);
      return { key, kind: 'list', default: defaults[name], hasDefault, description, children };
    }
    const value = hasDefault ? defaults[name] : CONFIG_EXAMPLES[key]?.(dataDir);
    return { key, kind: 'leaf', default: value, hasDefault, description, children: [] };
  });
}

/** Every config key with its default and meaning, as a tree (sections and list items hold their fields). */
export function configKeyDocs(dataDir?: string): ConfigKeyDoc[] {
  const defaults = configSchema.parse({}) as unknown as Record<string, unknown>;
  return docsOf(shapeOf(configSchema)!, '', defaults, dataDir ?? String(defaults.dataDir));
}

const yamlValue = (v: unknown): string => stringify(v, { collectionStyle: 'flow', lineWidth: 0 }).trimEnd();
const nameOf = (doc: ConfigKeyDoc): string => doc.key.slice(doc.key.lastIndexOf('.') + 1);

/**
 * Lines for `docs` at `indent`. `values` holds what is set at this level (a parsed config
 * file's raw object); `item` puts the first key behind the `- ` of a list item.
 */
function render(docs: ConfigKeyDoc[], indent: number, values: Record<string, unknown> | undefined, item: boolean): string[] {
  const lines: string[] = [];
  docs.forEach((doc, i) => {
    const first = item && i === 0;
    const pad = ' '.repeat(first ? indent - 2 : indent);
    const dash = first ? '- ' : '';
    const name = nameOf(doc);
    const value = values?.[name];
    const set = value !== undefined;
    if (indent === 0 && doc.kind !== 'leaf') lines.push('');
    lines.push(`${pad}# ${doc.description}`);
    if (doc.kind === 'section') {
      lines.push(`${pad}${set ? '' : '#'}${dash}${name}:`);
      lines.push(...render(doc.children, indent + 2, set ? (value as Record<string, unknown>) : undefined, false));
    } else if (doc.kind === 'list' && !set) {
      lines.push(`${pad}#${dash}${name}:`, ...render(doc.children, indent + 4, undefined, true));
    } else if (doc.kind === 'list') {
      const block = stringify(value, { lineWidth: 0 }).trimEnd().split('\n');
      lines.push(`${pad}${dash}${name}:`, ...block.map((l) => `${' '.repeat(indent + 2)}${l}`));
    } else if (set) {
      const note = doc.hasDefault && yamlValue(value) !== yamlValue(doc.default) ? `  # default: ${yamlValue(doc.default)}` : '';
      lines.push(`${pad}${dash}${name}: ${yamlValue(value)}${note}`);
    } else {
      lines.push(`${pad}#${dash}${name}: ${yamlValue(doc.default)}`);
    }
  });
  return lines;
}

/**
 * The documented config file. `values`: the keys to set (nested as in the file, e.g.
 * `{ dataDir: '/var/lib/rackboot', tftp: { bootDir: '…' } }`); every other key is shown
 * commented out with its default. `header`: comment lines for the top of the file.
 */
export function configReference(values: Record<string, unknown> = {}, header: string[] = []): string {
  const dataDir = typeof values.dataDir === 'string' ? values.dataDir : undefined;
  const lines = [...header.map((h) => (h ? `# ${h}` : '#')), ...render(configKeyDocs(dataDir), 0, values, false)];
  return `${lines.join('\n').replace(/^\n+/, '')}\n`;
}

/** Schema keys without a meaning in config-descriptions.ts, and meanings for keys that no longer exist. */
export function undocumentedKeys(): { missing: string[]; stale: string[] } {
  const all: string[] = [];
  const visit = (docs: ConfigKeyDoc[]): void =>
    docs.forEach((d) => {
      all.push(d.key);
      visit(d.children);
    });
  visit(configKeyDocs());
  const missing = all.filter((k) => !(k in CONFIG_DESCRIPTIONS));
  const stale = Object.keys(CONFIG_DESCRIPTIONS).filter((k) => !all.includes(k));
  return { missing, stale };
}
