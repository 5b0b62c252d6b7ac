import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/paths.js';
import { MACS, manifest, overlayFixture } from './overlays-fixture.js';

const GOLDEN = join(packageRoot(), 'test/golden/overlays');
const update = process.env.UPDATE_GOLDEN === '1';

/** Compare with (or, with UPDATE_GOLDEN=1, write) a checked-in golden file. */
function golden(rel: string, actual: Buffer | string): void {
  const file = join(GOLDEN, rel);
  if (update) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  expect(existsSync(file), `golden file ${rel} is missing (UPDATE_GOLDEN=1 writes it)`).toBe(true);
  expect(Buffer.from(actual).toString('utf8'), rel).toBe(readFileSync(file, 'utf8'));
}

describe('built-in base overlay, rendered per node (golden)', () => {
  let f: ReturnType<typeof overlayFixture>;
  beforeAll(() => {
    f = overlayFixture();
  });
  afterAll(() => f.cleanup());

  for (const host of ['node1', 'node2', 'node3', 'lone'] as const) {
    it(`${host}: every entry and every file as checked in`, () => {
      const files = f.backend.overlayFiles!(MACS[host])!;
      golden(`${host}/MANIFEST`, manifest(files));
      for (const file of files) if (file.kind === 'file') golden(`${host}/files/${file.path}`, file.data);
    });
  }

  it('/etc/kerrighed_nodes is byte-identical to rackboot render --what kerrighed_nodes, and absent without a cluster', () => {
    const want = f.inventory.export('kerrighed', { cluster: 'krg' });
    for (const host of ['node1', 'node3'] as const) {
      const k = f.backend.overlayFiles!(MACS[host])!.find((x) => x.path === 'etc/kerrighed_nodes');
      expect(k?.kind === 'file' && k.data.toString()).toBe(want);
    }
    expect(f.backend.overlayFiles!(MACS.lone)!.map((x) => x.path)).not.toContain('etc/kerrighed_nodes');
  });

  it('keeps symlinks as symlinks and executables executable', () => {
    const files = f.backend.overlayFiles!(MACS.node1)!;
    const by = new Map(files.map((x) => [x.path, x]));
    expect(by.get('etc/systemd/system/multi-user.target.wants/rackboot-report.service')).toEqual({
      kind: 'symlink',
      path: 'etc/systemd/system/multi-user.target.wants/rackboot-report.service',
      target: '../rackboot-report.service',
    });
    expect(by.get('usr/local/sbin/rackboot-report')).toMatchObject({ kind: 'file', mode: 0o755 });
    expect(by.get('etc/hostname')).toMatchObject({ kind: 'file', mode: 0o644 });
    expect([...by.keys()].some((p) => p.endsWith('.hbs'))).toBe(false);
  });

  it('renders the server address and HTTP port from the config into the up report', () => {
    const g = overlayFixture({ server: '192.168.7.1', port: 8181 });
    try {
      const script = g.backend.overlayFiles!(MACS.node1)!.find((x) => x.path === 'usr/local/sbin/rackboot-report');
      expect(script?.kind === 'file' && script.data.toString()).toContain("HOST='192.168.7.1'\nPORT='8181'\n");
    } finally {
      g.cleanup();
    }
  });

  it('an unknown MAC has no overlay', () => {
    expect(f.backend.overlayFiles!('00:16:3e:99:99:99')).toBeUndefined();
  });
});
