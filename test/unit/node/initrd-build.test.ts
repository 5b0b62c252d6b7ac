/**
 * The node initrd builder, read back by GNU cpio: what the kernel will unpack as the
 * node's initramfs. Real busybox-static and udpcast from the host, fixture modules.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildNodeInitrd, squashfsKernels, withImageModules, writeNodeInitrd, writeNodeInitrdForTree } from '../../../src/node/initrd/index.js';
import { initrdDir } from '../../../src/paths.js';
import { FIXTURE_ORDER, makeModulesDir, removeTemp, tempDir } from './initrd-fixture.js';

const modulesDir = makeModulesDir();
const opts = { modulesDir, kernelVersion: '9.9.9-test' };

/** Unpack an initrd into a fresh folder (as root, dev/console becomes a real node). */
function unpack(gz: Buffer): string {
  const dir = tempDir('initrd-');
  spawnSync('cpio', ['-idm', '--quiet', '--no-absolute-filenames'], { input: gunzipSync(gz), cwd: dir });
  return dir;
}

afterAll(removeTemp);

describe('buildNodeInitrd', () => {
  const gz = buildNodeInitrd(opts);
  const dir = unpack(gz);
  const listing = execFileSync('cpio', ['-itv', '--quiet'], { input: gunzipSync(gz), encoding: 'utf8' });
  const entry = (name: string): string => listing.split('\n').find((l) => l.endsWith(` ${name}`) || l.includes(` ${name} -> `)) ?? `(no ${name})`;

  it('holds an executable /init and the shell files of initrd/ byte for byte', () => {
    expect(entry('init')).toMatch(/^-rwxr-xr-x /);
    expect(readFileSync(join(dir, 'init'))).toEqual(readFileSync(join(initrdDir(), 'init')));
    for (const f of readdirSync(join(initrdDir(), 'lib/rackboot'))) {
      expect(readFileSync(join(dir, 'lib/rackboot', f)), f).toEqual(readFileSync(join(initrdDir(), 'lib/rackboot', f)));
      // Every shell file parses under the busybox sh that runs it.
      execFileSync('/bin/busybox', ['sh', '-n', join(dir, 'lib/rackboot', f)]);
    }
    expect(entry('lib/rackboot/udhcpc.sh')).toMatch(/^-rwxr-xr-x /);
    expect(entry('dev/console')).toMatch(/^crw-------\s+1 root\s+root\s+5,\s+1 /);
  });

  it('carries the static busybox as /bin/sh', () => {
    expect(readFileSync(join(dir, 'bin/busybox')).equals(readFileSync('/bin/busybox'))).toBe(true);
    expect(entry('bin/sh')).toMatch(/bin\/sh -> busybox$/);
  });

  it('carries the stock udp-receiver with its loader and libc, and it runs from the initrd alone', () => {
    expect(statSync(join(dir, 'usr/bin/udp-receiver')).mode & 0o111).toBeTruthy();
    expect(existsSync(join(dir, 'lib64/ld-linux-x86-64.so.2'))).toBe(true);
    expect(existsSync(join(dir, 'lib/x86_64-linux-gnu/libc.so.6'))).toBe(true);
    if (process.getuid?.() === 0) {
      const r = spawnSync('chroot', [dir, '/usr/bin/udp-receiver', '--license'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
  });

  it('carries the modules, decompressed, and the load order /init follows', () => {
    expect(readFileSync(join(dir, 'etc/rackboot/modules'), 'utf8')).toBe(FIXTURE_ORDER.map((m) => `${m}\n`).join(''));
    expect(readFileSync(join(dir, 'etc/rackboot/kernel'), 'utf8')).toBe('9.9.9-test\n');
    for (const m of FIXTURE_ORDER) expect(readFileSync(join(dir, `lib/modules/${m}.ko`), 'utf8')).toBe(`MOD ${m}\n`);
    // The load order file is what /init reads.
    expect(readFileSync(join(initrdDir(), 'lib/rackboot/net.sh'), 'utf8')).toContain('/etc/rackboot/modules');
  });

  it('is byte-reproducible', () => {
    expect(buildNodeInitrd(opts).equals(gz)).toBe(true);
  });

  it('refuses a dynamic busybox and an absent required module, naming the fix', () => {
    expect(() => buildNodeInitrd({ ...opts, busybox: '/usr/bin/udp-receiver' })).toThrow(/busybox-static/);
    expect(() => buildNodeInitrd({ ...opts, modules: ['bnx2x'] })).toThrow(/bnx2x/);
    expect(() => buildNodeInitrd({ ...opts, udpReceiver: '/nonexistent/udp-receiver' })).toThrow();
  });
});

describe('writing the node initrd', () => {
  it('writes through a rename, leaving no temporary file', () => {
    const out = join(tempDir('out-'), 'sub', 'initrd.gz');
    const w = writeNodeInitrd(out, opts);
    expect(w.modules.map((m) => m.name)).toEqual(FIXTURE_ORDER);
    expect(readFileSync(out).equals(buildNodeInitrd(opts))).toBe(true);
    expect(readdirSync(join(out, '..'))).toEqual(['initrd.gz']);
  });

  it("writeNodeInitrdForTree takes an unpacked image tree's lib/modules/<version> (merged /usr too)", () => {
    const tree = tempDir('tree-');
    mkdirSync(join(tree, 'usr/lib/modules'), { recursive: true });
    makeModulesDir(join(tree, 'usr/lib/modules'), '9.9.9-test');
    symlinkSync('usr/lib', join(tree, 'lib'));
    const out = join(tree, 'initrd.gz');
    writeNodeInitrdForTree(tree, '9.9.9-test', out);
    expect(readFileSync(out).equals(buildNodeInitrd(opts))).toBe(true);
  });

  it('finds and extracts the kernel modules inside a squashfs image (for --for-image)', () => {
    const tree = tempDir('sqtree-');
    mkdirSync(join(tree, 'usr/lib/modules'), { recursive: true });
    makeModulesDir(join(tree, 'usr/lib/modules'), '9.9.9-test');
    makeModulesDir(join(tree, 'usr/lib/modules'), '9.9.10-test');
    symlinkSync('usr/lib', join(tree, 'lib'));
    const img = join(tempDir('sq-'), 'root.squashfs');
    execFileSync('mksquashfs', [tree, img, '-noappend', '-quiet', '-no-progress']);
    const kernels = squashfsKernels(img);
    expect(kernels).toEqual([
      { version: '9.9.9-test', dir: 'usr/lib/modules/9.9.9-test' },
      { version: '9.9.10-test', dir: 'usr/lib/modules/9.9.10-test' },
    ]);
    let seen = '';
    const gz = withImageModules(img, kernels[0]!, (dir) => ((seen = dir), buildNodeInitrd({ modulesDir: dir, kernelVersion: '9.9.9-test' })));
    expect(gz.equals(buildNodeInitrd(opts))).toBe(true);
    expect(existsSync(seen)).toBe(false); // the temporary extraction is gone
  });
});
