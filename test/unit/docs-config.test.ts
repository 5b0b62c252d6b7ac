import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configKeyDocs, type ConfigKeyDoc } from '../../src/config-reference.js';
import { configMarkdown, configMarkdownPath } from '../../src/config-markdown.js';

describe('docs/config.md (generated from the config schema)', () => {
  it('is what `npm run docs:config` writes: a schema change without regenerating fails here', () => {
    const checkedIn = readFileSync(configMarkdownPath(), 'utf8');
    expect(checkedIn, 'docs/config.md is stale: run `npm run docs:config` and commit the result').toBe(configMarkdown());
  });

  it('has a row for every key that is not a section', () => {
    const text = configMarkdown();
    const keys: string[] = [];
    const visit = (docs: ConfigKeyDoc[]): void =>
      docs.forEach((d) => {
        if (d.kind !== 'section') keys.push(d.key);
        visit(d.children);
      });
    visit(configKeyDocs());
    for (const key of keys) expect(text).toContain(`| \`${key}\` |`);
  });
});
