/** `rackboot initrd build` through the built binary, as an admin runs it. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/paths.js';
import { FIXTURE_ORDER, makeModulesDir, removeTemp, tempDir } from './initrd-fixture.js';

const BIN = join(packageRoot(), 'dist/src/main.js');

afterAll(removeTemp);

describe('rackboot initrd build', () => {
  let dir: string;
  let config: string;
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, '--config', config, ...args], { encoding: 'utf8', cwd: dir });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
  };
  const modulesIn = (file: string): string => {
    const x = tempDir('cli-x-');
    spawnSync('cpio', ['-idm', '--quiet', 'etc/rackboot/*'], { input: gunzipSync(readFileSync(file)), cwd: x });
    return readFileSync(join(x, 'etc/rackboot/modules'), 'utf8') + readFileSync(join(x, 'etc/rackboot/kernel'), 'utf8');
  };

  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build (npm test does it)`);
    dir = tempDir('initrd-cli-');
    config = join(dir, 'rackboot.yaml');
    writeFileSync(config, `dataDir: ${join(dir, 'var')}\nimagesDir: ${join(dir, 'images')}\n`);
  });

  it('without --for-image: the newest kernel under --modules-root, into the images folder', () => {
    const root = join(dir, 'modules');
    makeModulesDir(root, '9.9.9-test');
    makeModulesDir(root, '9.9.10-test');
    const r = cli('initrd', 'build', '--modules-root', root);
    expect(r.err).toBe('');
    const out = join(dir, 'images', 'rackboot-initrd-9.9.10-test.gz');
    expect(r.out).toContain(`wrote ${out} (`);
    expect(r.out).toContain(`kernel 9.9.10-test, modules: ${FIXTURE_ORDER.join(' ')})`);
    expect(modulesIn(out)).toBe(`${FIXTURE_ORDER.join('\n')}\n9.9.10-test\n`);
    expect(cli('initrd', 'build', '--modules-root', root, '--kernel-version', '9.9.9-test', '--out', join(dir, 'x.gz')).code).toBe(0);
    expect(modulesIn(join(dir, 'x.gz'))).toMatch(/9\.9\.9-test\n$/);
  });

  it('an absent required module or kernel fails, naming it', () => {
    const root = join(dir, 'modules');
    const r = cli('initrd', 'build', '--modules-root', root, '--modules', 'e1000e,bnx2x', '--out', join(dir, 'y.gz'));
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('bnx2x');
    expect(existsSync(join(dir, 'y.gz'))).toBe(false);
    expect(cli('initrd', 'build', '--modules-root', root, '--kernel-version', '1.0').err).toContain('1.0');
  });

  it("--for-image NAME: the modules of the image's own kernel, to <imagesDir>/NAME/initrd.gz", () => {
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'usr/lib/modules'), { recursive: true });
    makeModulesDir(join(tree, 'usr/lib/modules'), '7.7.7-img');
    symlinkSync('usr/lib', join(tree, 'lib'));
    mkdirSync(join(dir, 'images', 'deb12'), { recursive: true });
    const img = join(dir, 'images', 'deb12', 'root.squashfs');
    execFileSync('mksquashfs', [tree, img, '-noappend', '-quiet', '-no-progress']);
    expect(cli('image', 'add', 'deb12', img, '--kind', 'disk').code).toBe(0);
    const r = cli('initrd', 'build', '--for-image', 'deb12', '--modules', 'e1000e');
    expect(r.err).toBe('');
    const out = join(dir, 'images', 'deb12', 'initrd.gz');
    expect(r.out).toContain(`wrote ${out} (`);
    expect(modulesIn(out)).toBe(`${FIXTURE_ORDER.join('\n')}\n7.7.7-img\n`);
    expect(cli('initrd', 'build', '--for-image', 'nope').err).toContain('nope');
  });
});
