import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../../src/wire/tftp/codec.js';
import type { TftpOptions } from '../../../src/wire/tftp/packet.js';
import { BufferSource } from '../../../src/tftp/source.js';
import { Transfer, type TransferResult } from '../../../src/tftp/transfer.js';
import { FakeClock } from './fake-clock.js';

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
const ack = (n: number): Buffer => encode({ op: 'ack', block: n & 0xffff });
const file = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) & 0xff));

interface Sent {
  op: string;
  block?: number;
  data?: Buffer;
  at: number;
}

function harness(opts: { bytes: Buffer; blksize?: number; windowsize?: number; oack?: TftpOptions; retries?: number }) {
  const clock = new FakeClock();
  const sent: Sent[] = [];
  const results: TransferResult[] = [];
  const malformed: Buffer[] = [];
  const source = new BufferSource(opts.bytes);
  let closed = false;
  source.close = async () => void (closed = true);
  const t = new Transfer({
    source,
    blksize: opts.blksize ?? 512,
    windowsize: opts.windowsize ?? 1,
    oack: opts.oack ?? [],
    clock,
    minTimeoutMs: 20,
    initialTimeoutMs: 1000,
    maxTimeoutMs: 4000,
    retries: opts.retries ?? 3,
    send: (packet) => {
      const p = decode(Buffer.from(packet)); // copy: the transfer reuses its buffers
      sent.push(p.op === 'data' ? { op: 'data', block: p.block, data: Buffer.from(p.data), at: clock.now() } : { op: p.op, at: clock.now() });
    },
    onMalformed: (p) => malformed.push(p),
    onDone: (r) => results.push(r),
  });
  const blocks = () => sent.filter((s) => s.op === 'data').map((s) => s.block);
  const take = () => sent.splice(0);
  return { t, clock, sent, results, malformed, blocks, take, closed: () => closed };
}

describe('Transfer (sender state machine, fake clock)', () => {
  it('lock-step: one DATA per ACK, last block short, done on its ACK', async () => {
    const h = harness({ bytes: file(1300) });
    h.t.start();
    await settle();
    expect(h.blocks()).toEqual([1]);
    for (const n of [1, 2]) {
      h.t.handle(ack(n));
      await settle();
    }
    expect(h.blocks()).toEqual([1, 2, 3]);
    expect(h.sent[2]!.data!.length).toBe(1300 - 1024);
    h.t.handle(ack(3));
    expect(h.results).toEqual([{ outcome: 'ok', bytes: 1300 }]);
    expect(h.closed()).toBe(true);
    expect(h.clock.pending).toBe(0);
  });

  it('a file that is a multiple of blksize ends with an empty block', async () => {
    const h = harness({ bytes: file(1024) });
    h.t.start();
    await settle();
    h.t.handle(ack(1));
    h.t.handle(ack(2));
    await settle();
    expect(h.sent.map((s) => s.data!.length)).toEqual([512, 512, 0]);
    h.t.handle(ack(3));
    expect(h.results[0]).toEqual({ outcome: 'ok', bytes: 1024 });
  });

  it('with options: OACK first, nothing else until ACK 0, then DATA 1', async () => {
    const h = harness({ bytes: file(100), oack: [['blksize', '1024']], blksize: 1024 });
    h.t.start();
    await settle();
    expect(h.take().map((s) => s.op)).toEqual(['oack']);
    h.t.handle(ack(5)); // not ACK 0: ignored
    await settle();
    expect(h.sent).toEqual([]);
    h.t.handle(ack(0));
    expect(h.blocks()).toEqual([1]);
  });

  it('a lost OACK is resent on timeout', async () => {
    const h = harness({ bytes: file(100), oack: [['tsize', '100']] });
    h.t.start();
    h.clock.advance(1000);
    expect(h.sent.map((s) => [s.op, s.at])).toEqual([
      ['oack', 0],
      ['oack', 1000],
    ]);
  });

  it('lost DATA: resent after the timeout, with the timeout doubling', async () => {
    const h = harness({ bytes: file(600) });
    h.t.start();
    await settle();
    h.clock.advance(999);
    expect(h.blocks()).toEqual([1]);
    h.clock.advance(1);
    h.clock.advance(2000);
    expect(h.sent.map((s) => [s.block, s.at])).toEqual([
      [1, 0],
      [1, 1000],
      [1, 3000],
    ]);
    h.t.handle(ack(1));
    await settle();
    expect(h.blocks()).toEqual([1, 1, 1, 2]);
  });

  it('duplicate ACKs never cause duplicate sends (no Sorcerer\'s Apprentice)', async () => {
    const h = harness({ bytes: file(4000) });
    h.t.start();
    await settle();
    h.t.handle(ack(1));
    h.t.handle(ack(1));
    h.t.handle(ack(1));
    await settle();
    expect(h.blocks()).toEqual([1, 2]);
    h.t.handle(ack(2));
    h.t.handle(ack(1)); // late duplicate of an older block
    h.t.handle(ack(2));
    await settle();
    expect(h.blocks()).toEqual([1, 2, 3]);
  });

  it('lost ACK in lock-step: the timeout resends, the late duplicate ACK is ignored', async () => {
    const h = harness({ bytes: file(2000) });
    h.t.start();
    await settle();
    h.clock.advance(10);
    h.t.handle(ack(1)); // first round trip 10 ms: RTO = 10 + 4 × 5 = 30 ms (RFC 6298 §2.2)
    await settle();
    h.clock.advance(29);
    expect(h.blocks()).toEqual([1, 2]);
    h.clock.advance(1); // ACK 2 lost: DATA 2 again
    expect(h.blocks()).toEqual([1, 2, 2]);
    h.t.handle(ack(2)); // the client's answer to the resend
    h.t.handle(ack(2)); // and its own retransmission
    await settle();
    expect(h.blocks()).toEqual([1, 2, 2, 3]);
  });

  it('windowsize 4: a whole window per ACK', async () => {
    const h = harness({ bytes: file(512 * 10 + 1), windowsize: 4 });
    h.t.start();
    await settle();
    expect(h.blocks()).toEqual([1, 2, 3, 4]);
    h.t.handle(ack(4));
    await settle();
    expect(h.blocks()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('window rewind: an ACK inside the window resumes after the last acknowledged block', async () => {
    const h = harness({ bytes: file(512 * 10 + 1), windowsize: 4 });
    h.t.start();
    await settle();
    h.take();
    h.t.handle(ack(2)); // DATA 3 was lost; the client acknowledges what it has in order
    await settle();
    expect(h.blocks()).toEqual([3, 4, 5, 6]);
    h.t.handle(ack(2)); // repeated: not a second rewind
    await settle();
    expect(h.blocks()).toEqual([3, 4, 5, 6]);
  });

  it('window ACK lost: the timeout resends the window from its first block', async () => {
    const h = harness({ bytes: file(512 * 10 + 1), windowsize: 4 });
    h.t.start();
    await settle();
    h.take();
    h.clock.advance(1000);
    expect(h.blocks()).toEqual([1, 2, 3, 4]);
    h.t.handle(ack(4));
    await settle();
    expect(h.blocks()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('block numbers roll over 65535 → 0 and the file arrives whole', async () => {
    const total = 8 * 70_000 + 3; // 70 001 blocks of 8 bytes
    const bytes = file(total);
    const h = harness({ bytes, blksize: 8, windowsize: 16 });
    const got: Buffer[] = [];
    let expected = 1;
    h.t.start();
    while (h.results.length === 0) {
      await settle();
      const window = h.take();
      for (const s of window) {
        if (s.block === (expected & 0xffff)) {
          got.push(s.data!);
          expected++;
        }
      }
      h.t.handle(ack((expected - 1) & 0xffff));
    }
    expect(h.results[0]).toEqual({ outcome: 'ok', bytes: total });
    expect(Buffer.concat(got).equals(bytes)).toBe(true);
    expect(expected - 1).toBe(70_001);
  });

  it('a dead client: gives up after the retry limit and frees everything', async () => {
    const h = harness({ bytes: file(5000), retries: 3 });
    h.t.start();
    await settle();
    h.clock.advance(60_000);
    expect(h.blocks()).toEqual([1, 1, 1, 1]);
    expect(h.sent.map((s) => s.at)).toEqual([0, 1000, 3000, 7000]); // 1 s, 2 s, 4 s (max)
    expect(h.results).toEqual([{ outcome: 'timeout', bytes: 0, reason: 'no ACK after 3 retransmissions' }]);
    expect(h.closed()).toBe(true);
    expect(h.clock.pending).toBe(0);
  });

  it('a client that ACKed every block but the last: unconfirmed, not a timeout (its final ACK was lost)', async () => {
    const h = harness({ bytes: file(1300), retries: 2 }); // blocks 1, 2 of 512 and 3 of 276
    h.t.start();
    await settle();
    h.t.handle(ack(1));
    await settle();
    h.t.handle(ack(2));
    await settle();
    h.clock.advance(60_000);
    expect(h.blocks()).toEqual([1, 2, 3, 3, 3]);
    // 20 + 40 + 80 ms of timeouts (the round trip measured 0, the minimum 20 ms) after the last block first went out
    expect(h.results).toEqual([{ outcome: 'unconfirmed', bytes: 1024, reason: 'no ACK of the last block after 2 retransmissions', lastBlockAgoMs: 140 }]);
    expect(h.closed()).toBe(true);
  });

  it('a silent client of a one-block file is a timeout: nothing was heard from it', async () => {
    const h = harness({ bytes: file(100), retries: 2 });
    h.t.start();
    await settle();
    h.clock.advance(60_000);
    expect(h.blocks()).toEqual([1, 1, 1]);
    expect(h.results).toEqual([{ outcome: 'timeout', bytes: 0, reason: 'no ACK after 2 retransmissions' }]);
  });

  it('a one-block file after an acknowledged OACK: unconfirmed when its only DATA goes unanswered', async () => {
    const h = harness({ bytes: file(100), retries: 1, oack: [['tsize', '100']] });
    h.t.start();
    await settle();
    h.t.handle(ack(0));
    await settle();
    h.clock.advance(60_000);
    expect(h.blocks()).toEqual([1, 1]);
    expect(h.results[0]?.outcome).toBe('unconfirmed');
  });

  it('the timeout adapts to the measured round trip, within bounds', async () => {
    const h = harness({ bytes: file(512 * 40) });
    h.t.start();
    await settle();
    for (let n = 1; n <= 20; n++) {
      h.clock.advance(5); // 5 ms round trips
      h.t.handle(ack(n));
      await settle();
    }
    const before = h.sent.length;
    h.clock.advance(19);
    expect(h.sent.length).toBe(before);
    h.clock.advance(1); // 20 ms: the configured minimum, far below the initial 1 s
    expect(h.sent.length).toBe(before + 1);
    expect(h.sent.at(-1)!.block).toBe(21);
  });

  it('a client ERROR ends the transfer; malformed packets are reported and ignored', async () => {
    const h = harness({ bytes: file(5000) });
    h.t.start();
    await settle();
    h.t.handle(Buffer.from([0, 4, 0]));
    expect(h.malformed.length).toBe(1);
    expect(h.results).toEqual([]);
    h.t.handle(ack(1));
    h.t.handle(encode({ op: 'error', code: 0, message: 'user cancelled' }));
    expect(h.results).toEqual([{ outcome: 'error', bytes: 512, reason: 'client sent error 0: user cancelled' }]);
  });

  it('an ACK for a block never sent is ignored', async () => {
    const h = harness({ bytes: file(5000), windowsize: 2 });
    h.t.start();
    await settle();
    h.t.handle(ack(7));
    await settle();
    expect(h.blocks()).toEqual([1, 2]);
  });

  it('ends once, and only after a read in flight has returned (the opener may then close the file)', async () => {
    const clock = new FakeClock();
    let release: (n: number) => void = () => undefined;
    let reads = 0;
    const results: TransferResult[] = [];
    const t = new Transfer({
      source: {
        size: 10_000,
        read: (bufs) => {
          reads++;
          if (reads === 1) return Promise.resolve(bufs.reduce((n, b) => n + b.fill(1).length, 0));
          return new Promise<number>((r) => (release = r));
        },
        close: async () => undefined,
      },
      blksize: 512,
      windowsize: 1,
      oack: [],
      clock,
      minTimeoutMs: 20,
      initialTimeoutMs: 1000,
      maxTimeoutMs: 4000,
      retries: 3,
      send: () => undefined,
      onMalformed: () => undefined,
      onDone: (r) => results.push(r),
    });
    t.start();
    await settle();
    for (let n = 1; reads < 2 && n < 600; n++) {
      t.handle(ack(n));
      await settle();
    }
    expect(reads).toBe(2); // the refill is pending
    t.handle(encode({ op: 'error', code: 0, message: 'bye' }));
    t.abort('closing');
    expect(t.done).toBe(true);
    expect(results).toEqual([]);
    release(0);
    await settle();
    expect(results).toHaveLength(1);
    expect(results[0]!.outcome).toBe('error');
  });
});
