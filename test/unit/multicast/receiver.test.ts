import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import { Metrics } from '../../../src/metrics.js';
import { ReceiveError } from '../../../src/multicast/output.js';
import { checkConnectReply } from '../../../src/multicast/receiver-checks.js';
import { SliceWindow } from '../../../src/multicast/receiver-slices.js';
import { receive } from '../../../src/multicast/receiver.js';
import { decode, encode, type SenderMessage } from '../../../src/wire/udpcast/index.js';

const here = { ip: '10.0.0.2', broadcast: '10.0.0.255' };

describe('checkConnectReply', () => {
  it('accepts block sizes 1..1456 and a multicast group (joined)', () => {
    expect(checkConnectReply({ blockSize: 1456, group: '234.77.0.1' }, here)).toEqual({ ok: true, join: true });
    expect(checkConnectReply({ blockSize: 1, group: '224.0.0.1' }, here)).toEqual({ ok: true, join: true });
    expect(checkConnectReply({ blockSize: 64, group: '239.255.255.255' }, here)).toEqual({ ok: true, join: true });
  });

  it('accepts this host and broadcast addresses without joining', () => {
    for (const group of ['10.0.0.2', '10.0.0.255', '255.255.255.255']) expect(checkConnectReply({ blockSize: 1456, group }, here)).toEqual({ ok: true, join: false });
  });

  it('refuses block sizes 0, 1457, 2^32−1 and groups 0.0.0.0, 240.0.0.1, another host', () => {
    for (const blockSize of [0, 1457, 2 ** 32 - 1]) {
      expect(checkConnectReply({ blockSize, group: '234.77.0.1' }, here)).toEqual({ ok: false, problem: `block size ${blockSize} is outside 1..1456` });
    }
    for (const group of ['0.0.0.0', '240.0.0.1', '223.255.255.255', '10.0.0.9']) {
      const c = checkConnectReply({ blockSize: 1456, group }, here);
      expect(c.ok).toBe(false);
      expect(!c.ok && c.problem).toMatch(new RegExp(`^data group ${group.replace(/\./g, '\\.')} is neither a multicast address`));
    }
  });

  it('SliceWindow refuses a block size it would allocate 1024 blocks of', () => {
    expect(() => new SliceWindow(2 ** 32 - 1)).toThrow(/block size 4294967295 is outside 1\.\.1456/);
    expect(() => new SliceWindow(0)).toThrow(RangeError);
    expect(new SliceWindow(1456).get(0, 1024 * 1456)).not.toBeNull();
  });
});

/**
 * receive() on lo against a scripted sender socket on P+1 (real UDP): nothing a sender
 * sends, and no write error, may throw out of the receiver's socket handler.
 */
describe('receive() against a scripted sender on lo', () => {
  let dir: string;
  let fake: Socket;
  const portBase = 46_000 + 2 * Math.floor(Math.random() * 4000);
  const metrics = new Metrics();

  /** Answer the first CONNECT_REQ with `reply`, then send `then`. */
  async function scriptedSender(reply: SenderMessage, then: SenderMessage[] = []): Promise<void> {
    fake = createSocket({ type: 'udp4', reuseAddr: true });
    let answered = false;
    fake.on('message', (buf, rinfo) => {
      if (answered || decode(buf).op !== 'connect-req') return;
      answered = true;
      fake.send(encode(reply), rinfo.port, rinfo.address);
      for (const m of then) fake.send(encode(m), rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => fake.bind(portBase + 1, '127.0.0.1', () => r()));
  }
  const run = (out: string, timeoutMs = 1500) =>
    receive({ out, sha256: null, portBase, ip: '127.0.0.1', broadcast: '127.0.0.1', timeoutMs, log: silentLogger(), metrics });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rackboot-recv-'));
  });
  afterEach(() => {
    fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ignores (and counts) a CONNECT_REPLY whose group is 0.0.0.0, and says so when it times out', async () => {
    await scriptedSender({ op: 'connect-reply', client: 0, blockSize: 1456, capabilities: 9, group: '0.0.0.0' });
    const before = (await metrics.malformed.get()).values.find((v) => v.labels.protocol === 'udpcast')?.value ?? 0;
    const err = await run(join(dir, 'img')).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ReceiveError);
    expect((err as ReceiveError).reason).toBe('timeout');
    expect((err as Error).message).toBe(
      `timeout: no usable sender answered within 1.5 s on port ${portBase} (CONNECT_REPLY from 127.0.0.1 ignored: data group 0.0.0.0 is neither a multicast address (224.0.0.0/4) nor this host's or its broadcast address)`,
    );
    expect((await metrics.malformed.get()).values.find((v) => v.labels.protocol === 'udpcast')?.value).toBe(before + 1);
    expect(readdirSync(dir)).toEqual([]); // no output, no temporary file
  });

  it('ignores a CONNECT_REPLY announcing a 4 GiB block size', async () => {
    await scriptedSender({ op: 'connect-reply', client: 0, blockSize: 2 ** 32 - 1, capabilities: 9, group: '234.77.0.9' }, [
      { op: 'reqack', slice: 0, bytes: 2 ** 31, round: 0, readySet: new Uint8Array(128) },
    ]);
    const err = await run(join(dir, 'img')).then(() => null, (e: unknown) => e);
    expect((err as Error).message).toMatch(/^timeout: no usable sender answered .*block size 4294967295 is outside 1\.\.1456\)$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a write error (ENOSPC on /dev/full) ends the receive with a ReceiveError instead of throwing', async () => {
    if (!existsSync('/dev/full')) throw new Error('/dev/full is missing');
    const payload = Buffer.from('rackboot!\n');
    await scriptedSender({ op: 'connect-reply', client: 0, blockSize: 1456, capabilities: 9, group: '234.77.0.9' }, [
      { op: 'data', slice: 0, block: 0, bytes: payload.length, payload },
    ]);
    const err = await run('/dev/full', 5000).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ReceiveError);
    expect((err as ReceiveError).reason).toBe('io');
    expect((err as Error).message).toMatch(/^cannot write \/dev\/full at byte 0: ENOSPC/);
  });
});
