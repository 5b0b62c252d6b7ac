import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/paths.js';
import { makeBusyboxRoot, squashfsPaths } from './fixture.js';

const BIN = join(packageRoot(), 'dist/src/main.js');

/** A rackboot home: config (data and images folders) and a busybox root to build from. */
function home() {
  const dir = mkdtempSync(join(tmpdir(), 'rb-imgcli-'));
  const config = join(dir, 'rackboot.yaml');
  writeFileSync(config, `dataDir: ${join(dir, 'var')}\nimagesDir: ${join(dir, 'images')}\n`);
  const cli = (args: string[], env: NodeJS.ProcessEnv = process.env) => {
    const r = spawnSync(process.execPath, [BIN, '-c', config, ...args], { encoding: 'utf8', env });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
  };
  return { dir, cli };
}

/** A PATH holding only the named tools, to show what a missing one says. */
function pathWith(dir: string, tools: string[]): NodeJS.ProcessEnv {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const t of tools) symlinkSync(spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim(), join(bin, t));
  return { ...process.env, PATH: bin };
}

describe('rackboot image build (built binary)', () => {
  let root: string;
  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build (npm test does it)`);
    root = join(mkdtempSync(join(tmpdir(), 'rb-imgroot-')), 'root');
    makeBusyboxRoot(root);
  });

  it('a kernel whose modules cannot make a node initrd: a warning, and no initrd beside the image (an older one is removed, never mixed with the new kernel)', () => {
    const h = home();
    mkdirSync(join(h.dir, 'images', 'bb'), { recursive: true });
    writeFileSync(join(h.dir, 'images', 'bb', 'initrd.gz'), 'the previous kernel\'s initrd');
    const r = h.cli(['image', 'build', 'bb', '--from', root]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^hook: warning: no node initrd for kernel 1\.2\.3: /m);
    expect(readdirSync(join(h.dir, 'images', 'bb')).filter((f) => f.includes('initrd'))).toEqual([]);
  });

  it('--json prints the registered image; list and show print its kernel', () => {
    const h = home();
    const r = h.cli(['image', 'build', 'bb', '--from', root, '--exclude', '*.log', '--keep-man', '--json']);
    expect(r.code, r.err).toBe(0);
    const img = JSON.parse(r.out) as { name: string; kind: string; path: string; kernelVersion: string; kernelPath: string };
    expect(img).toMatchObject({ name: 'bb', kind: 'rootfs', kernelVersion: '1.2.3', kernelPath: 'bb/vmlinuz' });
    expect(r.err).toMatch(/^reduce: reduction removed \d+ bytes/m);
    const paths = squashfsPaths(join(h.dir, 'images', img.path));
    expect(paths).toContain('usr/share/man/man1/busybox.1.gz');
    expect(paths).not.toContain('var/log/big.log');
    expect(h.cli(['image', 'list']).out).toMatch(/^bb\s+rootfs\s+\d+\s+[0-9a-f]{16}\s+1\.2\.3\s+bb\/root-[0-9a-f]{16}\.squashfs$/m);
    expect(h.cli(['image', 'show', 'bb']).out).toContain('kernel:  1.2.3 (bb/vmlinuz)');
    expect(JSON.parse(h.cli(['image', 'show', 'bb', '--json']).out)).toEqual(img);
  });

  it('refuses a missing or double source and --debian options without --debian, before doing anything', () => {
    const h = home();
    expect(h.cli(['image', 'build', 'x']).err).toContain('give a source: --from DIR, --from-tar FILE or --debian SUITE');
    expect(h.cli(['image', 'build', 'x', '--from', root, '--debian', 'bookworm']).err).toContain('give one source, not --from and --debian');
    const r = h.cli(['image', 'build', 'x', '--from', root, '--packages', 'vim']);
    expect(r).toMatchObject({ code: 2 });
    expect(r.err).toContain('--packages applies only to --debian');
    expect(h.cli(['image', 'list', '--json']).out).toBe('[]\n');
  });

  it('a missing tool names the Debian package to install', () => {
    const h = home();
    expect(h.cli(['image', 'build', 'x', '--from', root], pathWith(h.dir, ['rm'])).err).toContain('mksquashfs is not installed (needed to run mksquashfs): apt-get install squashfs-tools');
    const tarball = join(h.dir, 'root.tar.zst');
    expect(spawnSync('tar', ['-c', '--zstd', '-f', tarball, '-C', root, '.']).status).toBe(0);
    const r = h.cli(['image', 'build', 'x', '--from-tar', tarball], pathWith(join(h.dir, 'var'), ['rm', 'tar', 'mksquashfs']));
    expect(r.err).toContain(`zstd is not installed (needed to decompress ${tarball}): apt-get install zstd`);
    expect(readdirSync(join(h.dir, 'var', 'tmp'))).toEqual([]);
  });

  it('Ctrl-C during mksquashfs stops the build and removes the extracted tree and the partial image', async () => {
    const h = home();
    const big = join(h.dir, 'big');
    makeBusyboxRoot(big);
    writeFileSync(join(big, 'noise'), randomBytes(48 << 20));
    const tarball = join(h.dir, 'big.tar');
    expect(spawnSync('tar', ['-c', '-f', tarball, '-C', big, '.']).status).toBe(0);
    const child = spawn(process.execPath, [BIN, '-c', join(h.dir, 'rackboot.yaml'), 'image', 'build', 'big', '--from-tar', tarball, '--compression', 'xz']);
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      if (!err.includes('squashfs:') && (err += c).includes('squashfs:')) setTimeout(() => child.kill('SIGINT'), 300);
      else err += c;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, err).toBe(2);
    expect(err).toContain('interrupted');
    expect(readdirSync(join(h.dir, 'var', 'tmp'))).toEqual([]);
    expect(readdirSync(join(h.dir, 'images', 'big'))).toEqual([]);
    expect(h.cli(['image', 'list', '--json']).out).toBe('[]\n');
  });
});
