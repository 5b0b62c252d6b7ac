import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OverlayFile } from '../../../src/node/overlays/render.js';
import { openDatabase } from '../../../src/store/db.js';
import { MACS, overlayFixture } from './overlays-fixture.js';

let admin: string;
let f: ReturnType<typeof overlayFixture>;

/** Write files into the admin's overlays folder: `name/path` → content (or {link}). */
function write(files: Record<string, string | { link: string } | { text: string; mode: number }>): void {
  for (const [rel, what] of Object.entries(files)) {
    const file = join(admin, rel);
    mkdirSync(dirname(file), { recursive: true });
    if (typeof what === 'string') writeFileSync(file, what);
    else if ('link' in what) symlinkSync(what.link, file);
    else {
      writeFileSync(file, what.text);
      chmodSync(file, what.mode);
    }
  }
}
const text = (files: OverlayFile[] | undefined, path: string): string | undefined => {
  const x = files?.find((e) => e.path === path);
  return x?.kind === 'file' ? x.data.toString() : undefined;
};
const useOverlays = (...overlays: string[]) => f.inventory.profiles.update('diskless', { overlays });
const filesOf = (host: keyof typeof MACS) => f.backend.overlayFiles!(MACS[host]);

beforeEach(() => {
  admin = mkdtempSync(join(tmpdir(), 'rbt-admin-overlays-'));
  f = overlayFixture({ config: { overlaysDir: admin } });
});
afterEach(() => {
  f.cleanup();
  rmSync(admin, { recursive: true, force: true });
});

describe('layering: profile order, then admin over built-in', () => {
  it('a later overlay wins for the same path, whichever order the profile gives', () => {
    write({ 'site/etc/hostname': 'from-site\n', 'site/etc/motd.hbs': 'Welcome to {{hostname}} in rack {{rack}}\n' });
    useOverlays('base', 'site');
    expect(text(filesOf('node1'), 'etc/hostname')).toBe('from-site\n');
    expect(text(filesOf('node1'), 'etc/motd')).toBe('Welcome to node1 in rack r1\n');
    useOverlays('site', 'base');
    expect(text(filesOf('node1'), 'etc/hostname')).toBe('node1\n');
  });

  it("the admin's overlaysDir wins over a built-in overlay of the same name (whole folder)", () => {
    write({ 'base/etc/hostname.hbs': 'admin-{{hostname}}\n' });
    const files = filesOf('node2')!;
    expect(text(files, 'etc/hostname')).toBe('admin-node2\n');
    expect(files.map((x) => x.path)).not.toContain('etc/hosts'); // folders are not merged
  });

  it('keeps symlinks and file modes of an admin overlay; {{omit}} in a later overlay removes a file', () => {
    write({
      'site/etc/systemd/system/x.service': '[Service]\nExecStart=/bin/true\n',
      'site/etc/systemd/system/multi-user.target.wants/x.service': { link: '../x.service' },
      'site/usr/local/bin/hello.hbs': { text: '#!/bin/sh\necho {{hostname}}\n', mode: 0o750 },
      'site/etc/kerrighed_nodes.hbs': '{{omit}}',
    });
    useOverlays('base', 'site');
    const files = filesOf('node1')!;
    expect(files.find((x) => x.path === 'etc/systemd/system/multi-user.target.wants/x.service')).toMatchObject({ kind: 'symlink', target: '../x.service' });
    expect(files.find((x) => x.path === 'usr/local/bin/hello')).toMatchObject({ kind: 'file', mode: 0o750 });
    expect(files.map((x) => x.path)).not.toContain('etc/kerrighed_nodes');
  });

  it('a profile may name only known overlays; the refusal lists them', () => {
    write({ 'site/etc/issue': 'hi\n' });
    expect(() => useOverlays('base', 'nope')).toThrow(/no overlay "nope"; known overlays: base, site/);
    expect(() => useOverlays('base', 'base')).toThrow(/appears twice/);
    expect(f.inventory.profiles.get('diskless').overlays).toEqual(['base']);
  });
});

describe('strict templates and strict values', () => {
  it('an unknown variable is an error naming the overlay file', () => {
    write({ 'site/etc/motd.hbs': 'Hello {{hostnmae}}\n' });
    useOverlays('base', 'site');
    expect(() => filesOf('node1')).toThrow(/overlay site\/etc\/motd\.hbs.*"hostnmae" not defined/);
  });

  it('a newline in an inventory value (a hand-edited row) is refused, not rendered', () => {
    const other = openDatabase(join(f.dir, 'rackboot.db'));
    other.prepare('UPDATE nodes SET rack = ? WHERE mac = ?').run('r1\nExecStart=/bin/evil', MACS.node1);
    other.close();
    expect(() => filesOf('node1')).toThrow(/rack: contains a newline/);
  });
});

describe('the cache: one render per node until something it is made of changes', () => {
  const archive = (host: keyof typeof MACS) => {
    const node = f.backend.nodeByMac(MACS[host])!;
    return f.overlays.archive(node, f.inventory.profiles.get('diskless'));
  };

  it('hits for the same node, misses after an inventory change, a change from another process, or a file edit', () => {
    write({ 'site/etc/motd.hbs': 'rack {{rack}}\n' });
    useOverlays('base', 'site');
    const first = archive('node1');
    expect(first.cached).toBe(false);
    expect(archive('node1')).toEqual({ bytes: first.bytes, cached: true });
    expect(f.overlays.renders).toBe(1);
    archive('node2');
    expect(f.overlays.renders).toBe(2);

    f.inventory.nodes.update(MACS.node2, { rack: 'r9' }); // this process: another node's row changes node1's hosts file too
    expect(archive('node1').cached).toBe(false);
    expect(f.overlays.renders).toBe(3);

    const other = openDatabase(join(f.dir, 'rackboot.db')); // the CLI: only inventory_version tells
    other.prepare('UPDATE clusters SET nbmin = 3').run();
    other.close();
    const afterCli = archive('node1');
    expect(afterCli.cached).toBe(false);
    expect(afterCli.bytes.includes('nbmin=3')).toBe(true);

    utimesSync(join(admin, 'site/etc/motd.hbs'), new Date(), new Date(Date.now() + 5000));
    expect(archive('node1').cached).toBe(false);
    expect(archive('node1').cached).toBe(true);
    expect(f.overlays.cache.hits).toBe(2);
  });
});

describe('file modes', () => {
  it("an admin's file keeps its mode (a 0600 key stays 0600) but never setuid/setgid; built-in files are 0644 or 0755", () => {
    write({ 'site/etc/ssh/key': { text: 'secret\n', mode: 0o600 }, 'site/usr/local/bin/tool': { text: '#!/bin/sh\n', mode: 0o4755 } });
    useOverlays('base', 'site');
    const mode = (path: string): number | undefined => {
      const x = filesOf('node1')?.find((e) => e.path === path);
      return x && 'mode' in x ? x.mode : undefined;
    };
    expect(mode('etc/ssh/key')).toBe(0o600);
    expect(mode('usr/local/bin/tool')).toBe(0o755);
    expect(mode('etc/hostname')).toBe(0o644);
    expect(mode('usr/local/sbin/rackboot-report')).toBe(0o755);
  });
});
