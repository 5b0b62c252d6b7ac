import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configSchema, parseConfig } from '../../src/config.js';
import { configReference, undocumentedKeys } from '../../src/config-reference.js';

/** Every key line `#key: value` (or `#- key: value`) set: what an admin gets deleting every `#`. */
const uncommentAll = (text: string): string => text.replace(/^(\s*)#(?=[^\s#])/gm, '$1');

describe('configReference (the documented config file)', () => {
  it('documents every schema key, and only those', () => {
    expect(undocumentedKeys()).toEqual({ missing: [], stale: [] });
  });

  it('sets nothing by default: the file gives the embedded defaults', () => {
    const text = configReference();
    expect(parseYaml(text) ?? {}).toEqual({});
    expect(text).not.toMatch(/not documented yet/);
  });

  it('shows the defaults: uncommenting every key gives them (plus the example subnet)', () => {
    const raw = parseYaml(uncommentAll(configReference())) as Record<string, unknown>;
    const withExample = configSchema.parse(raw);
    expect(withExample.dhcp.subnets).toEqual([expect.objectContaining({ network: '10.0.0.0/24', pools: [{ start: '10.0.0.100', end: '10.0.0.199' }] })]);
    const noExample = { ...raw, dhcp: { ...(raw.dhcp as object), subnets: [] } };
    expect(parseConfig(noExample, '/etc/rackboot')).toEqual(parseConfig({}, '/etc/rackboot'));
  });

  it('sets the given values, uncommented, and keeps the rest commented', () => {
    const values = { dataDir: '/var/lib/rackboot', tftp: { bootDir: '/srv/boot', port: 6969 }, dhcp: { subnets: [{ network: '10.1.0.0/24' }] } };
    const text = configReference(values, ['header line', '']);
    expect(text.startsWith('# header line\n#\n')).toBe(true);
    expect(parseYaml(text)).toEqual(values);
    expect(text).toMatch(/^dataDir: \/var\/lib\/rackboot {2}# default: \.\/var$/m);
    expect(text).toMatch(/^#database: \/var\/lib\/rackboot\/rackboot\.db$/m);
    expect(configSchema.safeParse(parseYaml(uncommentAll(text))).success).toBe(true);
  });
});
