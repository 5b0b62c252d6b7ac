import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BOOT_FILES, TOOLS } from '../../../lab/lib/prereq.js';

/**
 * scripts/install-deps against the real dpkg-query. It runs as `nobody` (setpriv), so a
 * missing package makes it print the `sudo apt-get install` line and stop: nothing is
 * installed. `coreutils` is always installed; `rackboot-no-such-package-xyz` never exists.
 */
const SCRIPT = join(import.meta.dirname, '../../../scripts/install-deps');
const PRESENT = 'coreutils';
const ABSENT = 'rackboot-no-such-package-xyz';

const dir = mkdtempSync(join(tmpdir(), 'rb-deps-'));
chmodSync(dir, 0o755); // readable by nobody
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function list(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o644 });
  return file;
}

/** The installer as an unprivileged user (setpriv when the suite runs as root, as it does). */
function asNobody(...args: string[]): { status: number | null; out: string; err: string; ms: number } {
  const cmd = process.getuid?.() === 0 ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', 'sh', SCRIPT, ...args] : ['sh', SCRIPT, ...args];
  const t0 = performance.now();
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', env: { PATH: process.env.PATH } });
  if (r.error) throw r.error;
  return { status: r.status, out: r.stdout, err: r.stderr, ms: performance.now() - t0 };
}

describe('scripts/install-deps', () => {
  it('names only the missing package in the sudo apt-get line, installs nothing, exits 2', () => {
    const r = asNobody('test', '--list', list('mixed.txt', ['# a comment', PRESENT, '', `  ${ABSENT}  `]));
    expect(r.status).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(`install-deps: missing Debian packages: ${ABSENT}\n`);
    expect(r.err).toContain(`\n  sudo apt-get install ${ABSENT}\n`);
    expect(r.err).toContain('`sudo npm test`');
    expect(r.err).not.toContain(PRESENT);
  });

  it('prints nothing and exits 0 quickly when nothing is missing', () => {
    const r = asNobody('--list', list('present.txt', [PRESENT, PRESENT]));
    expect({ status: r.status, out: r.out, err: r.err }).toEqual({ status: 0, out: '', err: '' });
    expect(r.ms).toBeLessThan(1000);
  });

  it('lab reads only the [lab] section; test reads the whole file', () => {
    const file = list('sections.txt', ['# [lab] what the lab needs', PRESENT, '# [test] and the tests', ABSENT]);
    expect(asNobody('lab', '--list', file)).toMatchObject({ status: 0, out: '', err: '' });
    const r = asNobody('test', '--list', file);
    expect(r.status).toBe(2);
    expect(r.err).toContain(`sudo apt-get install ${ABSENT}\n`);
    expect(asNobody('lab', '--print', '--list', file).out).toBe(`${PRESENT}\n`);
    expect(asNobody('test', '--print', '--list', file).out).toBe(`${PRESENT}\n${ABSENT}\n`);
  });

  it('a missing lab package points at sudo npm run lab', () => {
    const r = asNobody('lab', '--list', list('lab.txt', ['# [lab]', ABSENT]));
    expect(r.status).toBe(2);
    expect(r.err).toContain('`sudo npm run lab`');
  });

  it('refuses an unknown argument', () => {
    expect(asNobody('tests').status).toBe(64);
  });
});

describe('.ci/apt-packages', () => {
  const print = (section: string): string[] => asNobody(section, '--print').out.trim().split('\n');

  it("[lab] holds every package behind the lab's own prerequisites", () => {
    const lab = print('lab');
    const needs = ['pxelinux', 'ldlinux', 'busybox', 'pxeVirtioRom'] as const;
    for (const pkg of [...needs.map((f) => BOOT_FILES[f].pkg), TOOLS['qemu-system-x86_64'], TOOLS.ip, TOOLS['udp-receiver'], 'linux-image-cloud-amd64', 'mmdebstrap', 'squashfs-tools']) {
      expect(lab).toContain(pkg);
    }
  });

  it('the whole list holds every package lab/lib/prereq.ts names, each a plain Debian package name', () => {
    const all = print('test');
    for (const pkg of [...Object.values(BOOT_FILES).map((f) => f.pkg), ...Object.values(TOOLS)]) expect(all).toContain(pkg);
    for (const pkg of all) expect(pkg).toMatch(/^[a-z0-9][a-z0-9+.-]+$/);
  });
});
