import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { configKeyDocs, type ConfigKeyDoc } from './config-reference.js';
import { packageRoot } from './paths.js';

/**
 * docs/config.md: every config key with its default and meaning, one table per section,
 * generated from the schemas through configKeyDocs() (the same source as the packaged
 * /etc/rackboot/rackboot.yaml). `npm run docs:config` writes it; test/unit/docs-config.test.ts
 * fails when the checked-in file differs.
 */

const HEADER = `# Configuration keys

<!-- Generated from the config schema by \`npm run docs:config\` (src/config-markdown.ts); do not edit.
     test/unit/docs-config.test.ts fails when this file differs from what the generator prints. -->

The config file is YAML (\`rackboot --config FILE\`, or \`RACKBOOT_CONFIG\`). Every key is optional
and has the default shown; relative paths are relative to the file's folder. An unknown key or a
bad value stops start-up with a message naming the key. \`rackboot config show\` prints the
effective config with every default filled in, \`rackboot check\` validates a file without
starting anything (docs/check.md), and the Debian package's \`/etc/rackboot/rackboot.yaml\`
lists every key below, commented out. \`[]\` marks the fields of one list item.
`;

/** Markdown-safe table cell: no pipe, no HTML tag, no emphasis. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\*/g, '\\*');
const value = (v: unknown): string => `\`${stringify(v, { collectionStyle: 'flow', lineWidth: 0 }).trimEnd()}\``;
const defaultOf = (d: ConfigKeyDoc): string => (d.hasDefault ? value(d.default) : `none (e.g. ${value(d.default)})`);

/** Rows for a section's leaves and lists (a list's item fields follow it); sub-sections get their own table. */
function rows(docs: ConfigKeyDoc[]): string[] {
  return docs
    .filter((d) => d.kind !== 'section')
    .flatMap((d) => [`| \`${d.key}\` | ${defaultOf(d)} | ${cell(d.description)} |`, ...(d.kind === 'list' ? rows(d.children) : [])]);
}

function section(title: string, description: string | null, docs: ConfigKeyDoc[], depth: number): string[] {
  const lines = ['', `${'#'.repeat(depth)} ${title}`, ''];
  if (description) lines.push(cell(description), '');
  lines.push('| key | default | meaning |', '|---|---|---|', ...rows(docs));
  for (const d of docs.filter((x) => x.kind === 'section')) lines.push(...section(`\`${d.key}\``, d.description, d.children, depth + 1));
  return lines;
}

export function configMarkdown(): string {
  const docs = configKeyDocs();
  const top = section('Top level', null, docs.filter((d) => d.kind !== 'section'), 2);
  const sections = docs.filter((d) => d.kind === 'section').flatMap((d) => section(`\`${d.key}\``, d.description, d.children, 2));
  return `${HEADER}${[...top, ...sections].join('\n')}\n`;
}

export const configMarkdownPath = (): string => join(packageRoot(), 'docs', 'config.md');

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  writeFileSync(configMarkdownPath(), configMarkdown());
  process.stdout.write(`wrote ${configMarkdownPath()}\n`);
}
