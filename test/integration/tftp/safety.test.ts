import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../../src/metrics.js';
import { tftpConfigSchema } from '../../../src/tftp/config.js';
import { normalizeRequestPath } from '../../../src/tftp/paths.js';
import { startTftpServer, type TftpServer } from '../../../src/tftp/server.js';
import { captureLogger, RawClient } from './helpers.js';

const base = mkdtempSync(join(tmpdir(), 'rbtt-safety-'));
const root = join(base, 'root');
let server: TftpServer;
const log = captureLogger();

beforeAll(async () => {
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(root, 'dir'));
  writeFileSync(join(root, 'hello.txt'), 'hello\n');
  writeFileSync(join(root, 'sub', 'a.txt'), 'in sub\n');
  writeFileSync(join(base, 'secret.txt'), 'outside the root\n');
  symlinkSync('../secret.txt', join(root, 'escape-link'));
  symlinkSync('/etc/hostname', join(root, 'absolute-link'));
  symlinkSync('hello.txt', join(root, 'inner-link'));
  symlinkSync('..', join(root, 'sub', 'up'));
  execFileSync('mknod', [join(root, 'null'), 'c', '1', '3']); // a character device, as root
  execFileSync('mkfifo', [join(root, 'fifo')]);
  server = await startTftpServer({
    config: tftpConfigSchema.parse({ address: '127.0.0.1', port: 0, workers: 0 }), // transfers in the listener's thread
    mounts: [{ prefix: '', dir: root }],
    logger: log.logger,
    metrics: new Metrics(),
  });
});

afterAll(async () => {
  await server?.close();
  rmSync(base, { recursive: true, force: true });
});

describe('path safety: request names, lexically', () => {
  it.each([
    ['a\\b\\c', 'a/b/c'],
    ['/pxelinux.0', 'pxelinux.0'],
    ['//x//./y/', 'x/y'],
    ['a/../b', 'b'],
  ])('%s → %s', (raw, path) => {
    expect(normalizeRequestPath(raw)).toEqual({ path });
  });
  it.each(['..', '../x', 'a/../../x', '..\\x', 'a\0b'])('%j is an access violation', (raw) => {
    expect(normalizeRequestPath(raw)).toMatchObject({ code: 2 });
  });
});

// file name as the client sends it → expected answer: contents, or ERROR code + log reason
const table: Array<[string, string | { code: number; reason?: RegExp }]> = [
  ['hello.txt', 'hello\n'],
  ['\\sub\\a.txt', 'in sub\n'], // backslashes are slashes
  ['/hello.txt', 'hello\n'], // leading / is relative to the root
  ['sub/../hello.txt', 'hello\n'],
  ['inner-link', 'hello\n'], // a symlink that stays inside is fine
  ['../secret.txt', { code: 2, reason: /leaves the TFTP root/ }],
  ['sub/../../secret.txt', { code: 2, reason: /leaves the TFTP root/ }],
  ['..\\secret.txt', { code: 2, reason: /leaves the TFTP root/ }],
  ['escape-link', { code: 2, reason: /symlink leads out/ }],
  ['absolute-link', { code: 2, reason: /symlink leads out/ }],
  ['sub/up/hello.txt', 'hello\n'], // `up` → root itself: still inside
  // `..` is resolved on the name, not through symlinks: sub/up/.. is sub, so this asks for
  // sub/secret.txt (absent), never for the file beside the root the kernel would find.
  ['sub/up/../secret.txt', { code: 1 }],
  ['null', { code: 2, reason: /not a regular file/ }], // character device
  ['fifo', { code: 2, reason: /not a regular file/ }],
  ['/etc/passwd', { code: 1 }], // absolute paths stay inside the root
  ['dir', { code: 1 }],
  ['missing', { code: 1 }],
];

describe('path safety over the wire (real UDP)', () => {
  for (const [name, want] of table) {
    it(`${JSON.stringify(name)} → ${typeof want === 'string' ? 'served' : `ERROR ${want.code}`}`, async () => {
      const c = await RawClient.open();
      try {
        const got = await c.get(server.port, name);
        if (typeof want === 'string') {
          expect(got.error).toBeUndefined();
          expect(got.data.toString()).toBe(want);
        } else {
          expect(got.error).toMatchObject({ op: 'error', code: want.code });
          const line = log.lines().find((l) => l.msg === 'refused' && l.file === name);
          expect(line).toBeDefined();
          if (want.reason) expect(String(line!.reason)).toMatch(want.reason);
          expect(line!.level).toBe(want.code === 2 ? 40 : 30); // access violations are warnings
        }
      } finally {
        c.close();
      }
    });
  }

  it.each([
    ['hello.txt\0../secret.txt\0octet\0', 'an option without value: malformed'],
    ['hello.txt\0../secret.txt\0', 'the rest of the name read as the mode'],
  ])('a NUL inside the name (%j): ERROR 4 and a log line, never a file', async (fields, _why) => {
    const c = await RawClient.open();
    const before = log.lines().length;
    c.send(Buffer.from(`\0\x01${fields}`, 'latin1'), server.port);
    expect((await c.next())?.packet).toMatchObject({ op: 'error', code: 4 });
    expect(log.lines().slice(before).some((l) => l.level === 40)).toBe(true);
    c.close();
  });

  it('mode "mail" is an illegal operation (ERROR 4)', async () => {
    const c = await RawClient.open();
    c.send({ op: 'rrq', filename: 'hello.txt', mode: 'mail', options: [] }, server.port);
    expect((await c.next())?.packet).toMatchObject({ op: 'error', code: 4 });
    c.close();
  });

  it('a write request is refused with ERROR 2 and logged', async () => {
    const c = await RawClient.open();
    c.send({ op: 'wrq', filename: 'upload.bin', mode: 'octet', options: [] }, server.port);
    expect((await c.next())?.packet).toMatchObject({ op: 'error', code: 2 });
    expect(log.lines().some((l) => l.msg === 'refused' && l.file === 'upload.bin' && l.reason === 'write request')).toBe(true);
    c.close();
  });

  it('garbage to port 69 is dropped and logged as malformed; the server keeps serving', async () => {
    const c = await RawClient.open();
    c.send(Buffer.from([0, 9]), server.port); // unknown opcode
    c.send(Buffer.from([0, 4, 0, 1]), server.port); // an ACK is not a request
    c.send(Buffer.from([7]), server.port);
    expect(await c.next(300)).toBeUndefined();
    expect(log.lines().filter((l) => l.msg === 'malformed request dropped').length).toBeGreaterThanOrEqual(2);
    expect((await c.get(server.port, 'hello.txt')).data.toString()).toBe('hello\n');
    c.close();
  });
});
