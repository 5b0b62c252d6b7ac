import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/cli/context.js';
import { registerProfileCommands } from '../../../src/cli/profile.js';
import { registerRenderCommands } from '../../../src/cli/render.js';
import { packageRoot } from '../../../src/paths.js';
import { MACS, overlayFixture } from './overlays-fixture.js';

let f: ReturnType<typeof overlayFixture>;
let admin: string;
let out: string[];

/** Run one `rackboot …` line in this process over the fixture's database; returns what it printed. */
async function rackboot(...argv: string[]): Promise<string> {
  const ctx: CliContext = { config: () => f.config, db: () => f.db, out: (t) => void out.push(t) };
  const program = new Command('rackboot').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerProfileCommands(program, ctx);
  registerRenderCommands(program, ctx);
  out = [];
  await program.parseAsync(argv, { from: 'user' });
  return out.join('');
}
const show = async (name: string) => JSON.parse(await rackboot('profile', 'show', name, '--json'));

beforeAll(async () => {
  admin = mkdtempSync(join(tmpdir(), 'rbt-cli-overlays-'));
  mkdirSync(join(admin, 'site/etc'), { recursive: true });
  writeFileSync(join(admin, 'site/etc/issue'), 'site\n');
  f = overlayFixture({ config: { overlaysDir: admin } });
  const file = join(f.dir, 'root.squashfs');
  writeFileSync(file, 'not really squashfs');
  // Built root filesystems with a kernel of their own, as rackboot image build registers them.
  for (const name of ['deb12', 'deb13']) f.inventory.images.registerRootfs({ name, file, size: 19, sha256: 'ab'.repeat(32), kernel: { version: '6.1.0-1-amd64', file: join(f.dir, 'vmlinuz') } });
  await f.inventory.images.add('plain', file, 'disk');
});
afterAll(() => {
  f.cleanup();
  rmSync(admin, { recursive: true, force: true });
});

describe('profile flags for booting an image', () => {
  it('--image NAME --kernel-from-image needs no --kernel: the label boots images/NAME/vmlinuz and initrd.gz', async () => {
    const text = await rackboot('profile', 'add', 'deb', '--image', 'deb12', '--kernel-from-image', '--root', 'ram', '--overlays', 'base,site');
    expect(text).toContain('boots image deb12 (root ram, the image\'s kernel); overlays: base, site');
    expect(await show('deb')).toMatchObject({
      bootImage: 'deb12',
      kernelFromImage: true,
      rootMode: 'ram',
      overlays: ['base', 'site'],
      labels: [{ name: 'deb', kernel: 'images/deb12/vmlinuz', initrds: ['images/deb12/initrd.gz'], localboot: null }],
    });
    const list = JSON.parse(await rackboot('profile', 'list', '--json')) as Array<{ name: string; overlays: string[]; rootMode: string }>;
    expect(list.find((p) => p.name === 'diskless')).toMatchObject({ overlays: ['base'], rootMode: 'overlay', bootImage: null, kernelFromImage: false });
  });

  it('set: another image moves the label with it; --root and --overlays change; --no-kernel-from-image keeps the label', async () => {
    await rackboot('profile', 'set', 'deb', '--image', 'deb13', '--root', 'overlay', '--overlays', 'site');
    expect(await show('deb')).toMatchObject({ bootImage: 'deb13', rootMode: 'overlay', overlays: ['site'], labels: [{ kernel: 'images/deb13/vmlinuz', initrds: ['images/deb13/initrd.gz'] }] });
    await rackboot('profile', 'set', 'deb', '--no-kernel-from-image', '--overlays', '');
    expect(await show('deb')).toMatchObject({ kernelFromImage: false, overlays: [], labels: [{ kernel: 'images/deb13/vmlinuz' }] });
  });

  it('set --kernel-from-image on a profile with a kernel of its own moves that label to the image kernel and node initrd', async () => {
    await rackboot('profile', 'set', 'diskless', '--image', 'deb12', '--kernel-from-image');
    expect(await show('diskless')).toMatchObject({ bootImage: 'deb12', kernelFromImage: true, labels: [{ kernel: 'images/deb12/vmlinuz', initrds: ['images/deb12/initrd.gz'] }] });
    expect(() => f.inventory.images.remove('deb12')).toThrow(/profile\(s\) diskless boot image "deb12"; change them first/);
  });

  it('refuses an unknown overlay (listing the known ones), an unknown image, kernel-from-image without an image, a bad root', async () => {
    await expect(rackboot('profile', 'set', 'deb', '--overlays', 'base,nope')).rejects.toThrow('no overlay "nope"; known overlays: base, site');
    await expect(rackboot('profile', 'add', 'x', '--image', 'nope', '--kernel-from-image')).rejects.toThrow(/no image "nope"/);
    await expect(rackboot('profile', 'add', 'y', '--kernel-from-image')).rejects.toThrow(/needs the image to boot/);
    await expect(rackboot('profile', 'add', 'z', '--image', 'plain', '--kernel-from-image')).rejects.toThrow(/image "plain" has no kernel of its own .*give --kernel and --initrd/);
    await expect(rackboot('profile', 'add', 'w', '--image', 'deb12', '--kernel-from-image', '--push-image', 'plain')).rejects.toThrow(/boots an image \(--image\) or .*\(--push-image\), not both/);
    await expect(rackboot('profile', 'add', 'z', '--kernel', 'k', '--root', 'disk')).rejects.toThrow(/Allowed choices are overlay, ram/);
    expect(f.inventory.profiles.find('x') ?? f.inventory.profiles.find('y') ?? f.inventory.profiles.find('z')).toBeUndefined();
  });
});

describe('rackboot render --what overlay', () => {
  it('lists every entry (path, mode, link target) with each file\'s content, as checked in', async () => {
    const text = await rackboot('render', '--mac', MACS.node1.toUpperCase(), '--what', 'overlay');
    const golden = join(packageRoot(), 'test/golden/overlays/node1.render.txt');
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, 'utf8'));
    expect(text).toContain('=== /etc/hostname file 0644 6 bytes\nnode1\n');
    expect(text).toContain('=== /etc/systemd/system/multi-user.target.wants/rackboot-report.service symlink -> ../rackboot-report.service\n');
  });
});
