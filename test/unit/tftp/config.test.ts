import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { ConfigError } from '../../../src/errors.js';
import { defaultMounts } from '../../../src/tftp/mounts.js';
import { existsSync } from 'node:fs';

describe('tftp: config section and default mounts', () => {
  it('has defaults for every key', () => {
    const c = parseConfig({}, '/srv/rb');
    expect(c.tftp).toMatchObject({ enabled: true, address: '0.0.0.0', port: 69, bootDir: './boot', maxBlksize: 1468, maxWindowsize: 64 });
  });

  it('rejects unknown keys and inconsistent timeout bounds', () => {
    expect(() => parseConfig({ tftp: { blocksize: 1 } }, '/')).toThrow(ConfigError);
    expect(() => parseConfig({ tftp: { minTimeoutMs: 2000, initialTimeoutMs: 1000 } }, '/')).toThrow(/initialTimeoutMs/);
    expect(() => parseConfig({ tftp: { maxBlksize: 70000 } }, '/')).toThrow(ConfigError);
  });

  it('mounts: bootDir at the root (relative to the config file), images under images/, syslinux by basename', () => {
    const c = { ...parseConfig({ tftp: { bootDir: 'tftpboot' } }, '/etc/rackboot', '/etc/rackboot/rackboot.yaml') };
    const m = defaultMounts(c, '/elsewhere');
    expect(m[0]).toEqual({ prefix: '', dir: '/etc/rackboot/tftpboot' });
    expect(m[1]).toEqual({ prefix: 'images/', dir: '/etc/rackboot/images' });
    const sys = m.slice(2);
    expect(sys.every((x) => x.byBasename && x.prefix === '')).toBe(true);
    expect(sys.map((x) => x.dir)).toEqual(['/usr/lib/PXELINUX', '/usr/lib/syslinux/modules/bios'].filter((d) => existsSync(d)));
    const off = defaultMounts(parseConfig({ tftp: { syslinux: false } }, '/x'), '/cwd');
    expect(off.map((x) => x.dir)).toEqual(['/cwd/boot', '/x/images']);
  });
});
