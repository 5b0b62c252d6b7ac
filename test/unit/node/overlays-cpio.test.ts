import { execFileSync, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MACS, overlayFixture } from './overlays-fixture.js';

/** Debian's GNU cpio reads the archive: what it lists and extracts is what the node gets. */
describe('the overlay archive, read by cpio(1)', () => {
  let f: ReturnType<typeof overlayFixture>;
  let out: string;
  beforeAll(() => {
    if (spawnSync('sh', ['-c', 'command -v cpio']).status !== 0) throw new Error('cpio not found: install the Debian package cpio');
    f = overlayFixture({ ips: { node1: '127.0.0.1' } });
    out = mkdtempSync(join(tmpdir(), 'rbt-overlay-cpio-'));
  });
  afterAll(() => {
    f.cleanup();
    rmSync(out, { recursive: true, force: true });
  });

  it('cpio -t lists exactly the rendered entries; cpio -i extracts their bytes, modes and link targets', () => {
    const files = f.backend.overlayFiles!(MACS.node1)!;
    const r = f.backend.renderOverlay!(MACS.node1, '127.0.0.1');
    if (!r.ok) throw new Error(r.message);
    const listed = execFileSync('cpio', ['-t', '--quiet'], { input: r.bytes, encoding: 'utf8' }).trim().split('\n');
    expect(listed).toEqual(files.map((x) => x.path));

    execFileSync('cpio', ['-i', '-d', '--quiet', '--no-absolute-filenames'], { input: r.bytes, cwd: out });
    for (const x of files) {
      const on = join(out, x.path);
      const st = lstatSync(on);
      if (x.kind === 'symlink') {
        expect(st.isSymbolicLink(), x.path).toBe(true);
        expect(readlinkSync(on)).toBe(x.target);
      } else if (x.kind === 'dir') expect(st.isDirectory(), x.path).toBe(true);
      else {
        expect(readFileSync(on).equals(x.data), x.path).toBe(true);
        expect(st.mode & 0o7777, x.path).toBe(x.mode);
      }
    }
    expect(lstatSync(join(out, 'usr/local/sbin/rackboot-report')).mode & 0o111).toBe(0o111);
    expect(readFileSync(join(out, 'etc/hostname'), 'utf8')).toBe('node1\n');
  });

  it('is the same bytes for the same inventory (mtime 0, owner root, sorted)', () => {
    const a = f.overlays.archive(f.backend.nodeByMac(MACS.node2)!, undefined).bytes;
    const g = overlayFixture({ ips: { node1: '127.0.0.1' } });
    try {
      expect(g.overlays.archive(g.backend.nodeByMac(MACS.node2)!, undefined).bytes.equals(a)).toBe(true);
    } finally {
      g.cleanup();
    }
  });
});
