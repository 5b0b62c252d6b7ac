import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../../src/metrics.js';
import { tftpConfigSchema } from '../../../src/tftp/config.js';
import { startTftpServer, type TftpServer } from '../../../src/tftp/server.js';
import { fakeBackend } from './fake-backend.js';
import { captureLogger, fileSha256, RawClient, requireTool, sha256 } from './helpers.js';

const run = promisify(execFile);
const base = mkdtempSync(join(tmpdir(), 'rbtt-clients-'));
const boot = join(base, 'boot');
const images = join(base, 'images');
const out = join(base, 'out');
const files = {
  'pxelinux.0': randomBytes(42_430),
  'images/vmlinuz-6.1': randomBytes(3 * 1024 * 1024 + 17),
  'images/initrd.img': randomBytes(1468 * 700), // a multiple of blksize: ends with an empty block
  'boot.msg': Buffer.from('Welcome\r\nto\nrackboot\rend\n'),
};
const big = 'images/rollover.img'; // more than 65 536 blocks of 512 bytes
const cfgText = 'DEFAULT krg\nLABEL krg\n  KERNEL images/vmlinuz-6.1\n';
const backend = fakeBackend({ '01-00-02-b3-3f-78-8c': cfgText });
const metrics = new Metrics();
const log = captureLogger();
let server: TftpServer;
let url: string;

beforeAll(async () => {
  requireTool('curl', 'curl');
  requireTool('atftp', 'atftp');
  requireTool('tftp', 'tftp-hpa');
  mkdirSync(boot, { recursive: true });
  mkdirSync(images);
  mkdirSync(out);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(name.startsWith('images/') ? base : boot, name), bytes);
  writeFileSync(join(base, big), randomBytes(512 * 65_536 + 1000));
  server = await startTftpServer({
    config: tftpConfigSchema.parse({ address: '127.0.0.1', port: 0, maxTransfersPerClient: 64 }),
    mounts: [
      { prefix: '', dir: boot },
      { prefix: 'images/', dir: images },
      { prefix: '', dir: '/usr/lib/PXELINUX', byBasename: true },
      { prefix: '', dir: '/usr/lib/syslinux/modules/bios', byBasename: true },
    ],
    backend,
    logger: log.logger,
    metrics,
  });
  url = `tftp://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  rmSync(base, { recursive: true, force: true });
});

const want = (name: keyof typeof files): string => sha256(files[name]);
const curl = (remote: string, local: string, ...extra: string[]) => run('curl', ['-sS', '--fail', ...extra, '-o', local, `${url}/${remote}`]);
const atftp = (remote: string, local: string, ...options: string[]) =>
  run('atftp', ['-g', '-r', remote, '-l', local, ...options.flatMap((o) => ['--option', o]), '127.0.0.1', String(server.port)]);
const tftpHpa = (mode: 'binary' | 'ascii', remote: string, local: string, ...extra: string[]) =>
  run('tftp', ['127.0.0.1', String(server.port), '-m', mode, ...extra, '-c', 'get', remote, local]);

describe('real clients on loopback, sha256 of what they received', () => {
  it('curl, lock-step at blksize 1468 and at the default 512', async () => {
    await curl('images/vmlinuz-6.1', join(out, 'c1'), '--tftp-blksize', '1468');
    expect(fileSha256(join(out, 'c1'))).toBe(want('images/vmlinuz-6.1'));
    await curl('images/initrd.img', join(out, 'c2'));
    expect(fileSha256(join(out, 'c2'))).toBe(want('images/initrd.img'));
  });

  it('atftp with blksize 1468 and windowsize 16 (RFC 7440)', async () => {
    await atftp('images/vmlinuz-6.1', join(out, 'a1'), 'blksize 1468', 'windowsize 16');
    expect(fileSha256(join(out, 'a1'))).toBe(want('images/vmlinuz-6.1'));
    const r = await run('atftp', ['--trace', '-g', '-r', 'pxelinux.0', '-l', join(out, 'a1t'), '--option', 'blksize 1468', '--option', 'windowsize 16', '--option', 'tsize 0', '127.0.0.1', String(server.port)]);
    const oack = /received OACK <([^>]*)>/.exec(r.stdout + r.stderr)?.[1];
    expect(oack?.split(', ').map((s) => s.replace(/[\b\s]/g, '')).filter(Boolean).sort()).toEqual(['blksize:1468', `tsize:${files['pxelinux.0'].length}`, 'windowsize:16']);
    expect(fileSha256(join(out, 'a1t'))).toBe(want('pxelinux.0'));
  });

  it('atftp: a windowsize above the maximum is clamped to 64 and still works', async () => {
    await atftp('images/initrd.img', join(out, 'a2'), 'windowsize 200', 'blksize 65464');
    const r = await run('atftp', ['--trace', '-g', '-r', 'pxelinux.0', '-l', join(out, 'a2t'), '--option', 'windowsize 200', '--option', 'blksize 65464', '127.0.0.1', String(server.port)]);
    const oack = /received OACK <([^>]*)>/.exec(r.stdout + r.stderr)?.[1];
    expect(oack?.split(', ').map((s) => s.replace(/[\b\s]/g, '')).filter(Boolean).sort()).toEqual(['blksize:1468', 'windowsize:64']);
    expect(fileSha256(join(out, 'a2'))).toBe(want('images/initrd.img'));
  });

  it('tftp-hpa in octet mode (plain RFC 1350, 512-byte blocks)', async () => {
    await tftpHpa('binary', 'pxelinux.0', join(out, 't1'));
    expect(fileSha256(join(out, 't1'))).toBe(want('pxelinux.0'));
  });

  it('tftp-hpa in netascii mode: CR/LF converted on the wire and back', async () => {
    await tftpHpa('ascii', 'boot.msg', join(out, 't2'));
    // tftp-hpa turns CR LF into LF and CR NUL into CR: the original bytes come back.
    expect(readFileSync(join(out, 't2')).toString('hex')).toBe(files['boot.msg'].toString('hex'));
  });

  it('block numbers roll over: 65 537 blocks of 512 bytes, atftp windowsize 16', async () => {
    await atftp(big, join(out, 'big'), 'windowsize 16');
    expect(fileSha256(join(out, 'big'))).toBe(fileSha256(join(base, big)));
  });

  it('Debian pxelinux.0 and ldlinux.c32 under a loader prefix, by basename', async () => {
    await curl('X86PC/linux/pxelinux.0', join(out, 'p0'));
    expect(fileSha256(join(out, 'p0'))).toBe(fileSha256('/usr/lib/PXELINUX/pxelinux.0'));
    await curl('X86PC/linux/ldlinux.c32', join(out, 'l32'));
    expect(fileSha256(join(out, 'l32'))).toBe(fileSha256('/usr/lib/syslinux/modules/bios/ldlinux.c32'));
  });

  it('16 clients at once, all complete with the right bytes', async () => {
    await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        i % 2 ? curl('images/vmlinuz-6.1', join(out, `m${i}`), '--tftp-blksize', '1468') : atftp('images/vmlinuz-6.1', join(out, `m${i}`), 'windowsize 8'),
      ),
    );
    for (let i = 0; i < 16; i++) expect(fileSha256(join(out, `m${i}`))).toBe(want('images/vmlinuz-6.1'));
  });
});

describe('rendered pxelinux.cfg files and boot stages', () => {
  it('renders under any prefix, tsize is the rendered length, each client gets it', async () => {
    const name = 'X86PC/linux/pxelinux.cfg/01-00-02-b3-3f-78-8c';
    const c = await RawClient.open();
    const got = await c.get(server.port, name, [['tsize', '0'], ['blksize', '1468']]);
    c.close();
    expect(got.data.toString()).toBe(cfgText);
    expect(got.oack).toMatchObject({ options: [['tsize', String(cfgText.length)], ['blksize', '1468']] });
    await curl('pxelinux.cfg/01-00-02-b3-3f-78-8c', join(out, 'cfg'));
    expect(readFileSync(join(out, 'cfg'), 'utf8')).toBe(cfgText);
    await atftp('pxelinux.cfg/01-00-02-b3-3f-78-8c', join(out, 'cfg2'), 'tsize 0');
    expect(readFileSync(join(out, 'cfg2'), 'utf8')).toBe(cfgText);
    expect(backend.renders.at(-1)).toEqual({ name: '01-00-02-b3-3f-78-8c', ip: '127.0.0.1' });
  });

  it('a name the renderer does not know is ERROR 1, so pxelinux tries the next; a renderer crash is ERROR 0', async () => {
    const c = await RawClient.open();
    expect((await c.get(server.port, 'pxelinux.cfg/0A000120')).error).toMatchObject({ code: 1 });
    expect((await c.get(server.port, 'pxelinux.cfg/explode')).error).toMatchObject({ code: 0 });
    c.close();
  });

  it('records loader, config, kernel and initrd stages for the node at the client address', async () => {
    backend.stages.length = 0;
    await curl('pxelinux.0', join(out, 's1'));
    await curl('pxelinux.cfg/01-00-02-b3-3f-78-8c', join(out, 's2'));
    await curl('images/vmlinuz-6.1', join(out, 's3'), '--tftp-blksize', '1468');
    await curl('images/initrd.img', join(out, 's4'), '--tftp-blksize', '1468');
    await curl('boot.msg', join(out, 's5'));
    expect(backend.stages).toEqual([
      { node: 'node1', stage: 'loader', detail: 'pxelinux.0' },
      { node: 'node1', stage: 'config', detail: 'pxelinux.cfg/01-00-02-b3-3f-78-8c' },
      { node: 'node1', stage: 'kernel', detail: 'images/vmlinuz-6.1' },
      { node: 'node1', stage: 'initrd', detail: 'images/initrd.img' },
    ]);
  });

  it('a backend exception is logged and counted, and the server keeps serving', async () => {
    backend.failNodeByIp = true;
    try {
      await curl('pxelinux.0', join(out, 'b1'));
      await curl('pxelinux.0', join(out, 'b2'));
    } finally {
      backend.failNodeByIp = false;
    }
    expect(fileSha256(join(out, 'b2'))).toBe(want('pxelinux.0'));
    const m = await metrics.tftpErrors.get();
    expect(m.values.find((v) => v.labels.kind === 'backend')?.value).toBeGreaterThanOrEqual(2);
    expect(log.lines().some((l) => l.msg === 'backend failed while recording the boot stage')).toBe(true);
  });
});

describe('transfer IDs and caps', () => {
  it('a packet from an unknown port gets ERROR 5 and the transfer carries on', async () => {
    const c = await RawClient.open();
    const intruder = await RawClient.open();
    c.send({ op: 'rrq', filename: 'pxelinux.0', mode: 'octet', options: [] }, server.port);
    const first = await c.next();
    expect(first?.packet).toMatchObject({ op: 'data', block: 1 });
    intruder.send({ op: 'ack', block: 1 }, first!.port);
    expect((await intruder.next())?.packet).toMatchObject({ op: 'error', code: 5 });
    c.send({ op: 'ack', block: 1 }, first!.port);
    expect((await c.next())?.packet).toMatchObject({ op: 'data', block: 2 });
    c.send(Buffer.from([0, 5, 0, 0, 0]), first!.port); // ERROR 0 "": we give up
    c.close();
    intruder.close();
  });

  it('counts metrics: transfers by outcome, bytes, malformed', async () => {
    const t = await metrics.tftpTransfers.get();
    expect(t.values.find((v) => v.labels.outcome === 'ok')?.value).toBeGreaterThan(10);
    expect(t.values.find((v) => v.labels.outcome === 'refused')?.value).toBeGreaterThanOrEqual(2);
    expect((await metrics.tftpBytes.get()).values[0]!.value).toBeGreaterThan(3 * 1024 * 1024);
  });
});
