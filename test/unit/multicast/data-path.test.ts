import { createSocket, type Socket } from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import { DataPath } from '../../../src/multicast/data-path.js';
import { GSO_SEGMENTS, GsoSender, type GsoResult } from '../../../src/multicast/udp-gso.js';
import { loadUdpAddon } from '../../../src/net/udp-native.js';
import { DATA_HEADER, decode, encodeDataHeader } from '../../../src/wire/udpcast/index.js';

const BS = 1456;

/** A slice of `blocks` blocks whose last one is `tail` bytes long, with its headers. */
function slice(index: number, blocks: number, tail: number): { data: Buffer; headers: Buffer } {
  const data = Buffer.alloc((blocks - 1) * BS + tail);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 11)) & 0xff;
  const headers = Buffer.concat(Array.from({ length: blocks }, (_, b) => encodeDataHeader(index, b, data.length)));
  return { data, headers };
}

const expected = (s: { data: Buffer; headers: Buffer }, b: number): Buffer =>
  Buffer.concat([s.headers.subarray(b * DATA_HEADER, (b + 1) * DATA_HEADER), s.data.subarray(b * BS, Math.min(s.data.length, (b + 1) * BS))]);

function udp(): Promise<Socket> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => resolve(s));
  });
}

describe('DataPath over loopback', () => {
  let rx: Socket;
  let tx: Socket;
  let got: Buffer[];

  beforeEach(async () => {
    rx = await udp();
    rx.setRecvBufferSize(8 * 1024 * 1024);
    got = [];
    rx.on('message', (m) => got.push(m));
    tx = await udp();
    await new Promise<void>((r) => tx.connect(rx.address().port, '127.0.0.1', () => r()));
  });
  afterEach(() => {
    rx.close();
    tx.close();
  });

  const until = async (n: number) => {
    for (let i = 0; i < 200 && got.length < n; i++) await new Promise((r) => setTimeout(r, 5));
    return got;
  };

  it('has the GSO helper built and finds the fd of a connected socket (the default path here)', () => {
    expect(loadUdpAddon(), 'native/udp_gso.node is missing: npm ci runs native/build.sh (needs cc and Node headers)').not.toBeNull();
    expect(GsoSender.for(tx)).not.toBeNull();
  });

  it('GSO batches arrive as the same datagrams, in order, a short last block included', async () => {
    const s = slice(3, 2 * GSO_SEGMENTS + 5, 777);
    const blocks = Array.from({ length: 2 * GSO_SEGMENTS + 5 }, (_, b) => b);
    const path = new DataPath(tx, GsoSender.for(tx), () => {}, silentLogger());
    expect(path.usesGso).toBe(true);
    path.blocks(s.headers, DATA_HEADER, s.data, BS, blocks);
    path.message(Buffer.from('reqack'));
    const out = await until(blocks.length + 1);
    expect(out).toHaveLength(blocks.length + 1);
    blocks.forEach((b, i) => expect(out[i]!.equals(expected(s, b)), `block ${b}`).toBe(true));
    expect(out.at(-1)!.toString()).toBe('reqack');
    expect(out[blocks.length - 1]!.length).toBe(DATA_HEADER + 777);
    expect(decode(out[5]!)).toMatchObject({ op: 'data', slice: 3, block: 5 });
    expect(path.outstanding).toBe(0);
  });

  it('retransmissions in any order: a batch ends after the short block', async () => {
    const s = slice(0, 10, 100);
    const blocks = [9, 2, 7, 0, 9, 4];
    new DataPath(tx, GsoSender.for(tx), () => {}, silentLogger()).blocks(s.headers, DATA_HEADER, s.data, BS, blocks);
    const out = await until(blocks.length);
    expect(out.map((m) => decode(m)).map((m) => (m.op === 'data' ? m.block : -1))).toEqual(blocks);
    blocks.forEach((b, i) => expect(out[i]!.equals(expected(s, b))).toBe(true));
  });

  /** A GsoSender stand-in that answers `script` in turn, then sends for real. */
  function scripted(script: (GsoResult['kind'] | 'real')[]): GsoSender {
    const real = GsoSender.for(tx)!;
    return {
      send(headers: Buffer, hs: number, data: Buffer, bs: number, blocks: Int32Array, from = 0): GsoResult {
        const step = script.shift() ?? 'real';
        if (step === 'full') {
          real.send(headers, hs, data, bs, blocks.subarray(0, from + 1), from); // one sent, then no room
          return { kind: 'full', from: from + 1 };
        }
        if (step === 'refused') return { kind: 'refused', from, errno: 5 };
        return real.send(headers, hs, data, bs, blocks, from);
      },
    } as unknown as GsoSender;
  }

  it('a full socket buffer: the rest waits for room, and a REQACK given later still leaves last', async () => {
    const s = slice(1, 30, BS);
    const blocks = Array.from({ length: 30 }, (_, b) => b);
    let rooms = 0;
    const path = new DataPath(tx, scripted(['full']), () => rooms++, silentLogger());
    path.blocks(s.headers, DATA_HEADER, s.data, BS, blocks);
    path.message(Buffer.from('reqack'));
    expect(path.outstanding).toBeGreaterThan(0); // held until Node's send reports room
    const out = await until(31);
    expect(out).toHaveLength(31);
    // block 0 went by GSO, block 1 through Node (waiting for room), then 2.. by GSO again
    blocks.forEach((b, i) => expect(out[i]!.equals(expected(s, b)), `block ${b}`).toBe(true));
    expect(out[30]!.toString()).toBe('reqack');
    expect(rooms).toBeGreaterThan(0);
    expect(path.outstanding).toBe(0);
  });

  it('a kernel that refuses segmentation: the rest goes one datagram per send, and GSO stays off', async () => {
    const s = slice(2, 12, 5);
    const blocks = Array.from({ length: 12 }, (_, b) => b);
    const path = new DataPath(tx, scripted(['refused']), () => {}, silentLogger());
    path.blocks(s.headers, DATA_HEADER, s.data, BS, blocks);
    expect(path.usesGso).toBe(false);
    path.message(Buffer.from('reqack'));
    const out = await until(13);
    blocks.forEach((b, i) => expect(out[i]!.equals(expected(s, b))).toBe(true));
    expect(out[12]!.toString()).toBe('reqack');
  });

  it('without GSO: one Node send per block, same datagrams', async () => {
    const s = slice(4, 50, 1000);
    const blocks = Array.from({ length: 50 }, (_, b) => b);
    const path = new DataPath(tx, null, () => {}, silentLogger());
    path.blocks(s.headers, DATA_HEADER, s.data, BS, blocks);
    const out = await until(50);
    blocks.forEach((b, i) => expect(out[i]!.equals(expected(s, b))).toBe(true));
  });
});
