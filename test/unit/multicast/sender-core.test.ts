import { describe, expect, it } from 'vitest';
import type { SenderAction } from '../../../src/multicast/sender-types.js';
import { Sim, SimReceiver, completeImage, options, reqacks } from './sim.js';

const kinds = (sim: Sim) => sim.events.map((e) => e.kind);
describe('SenderCore (fake clock)', () => {
  it('admits targets, refuses strangers with client −1, and answers retries with the same number', () => {
    const a = new SimReceiver('10.0.0.2');
    const stranger = new SimReceiver('10.0.0.99');
    const sim = new Sim(options({ admit: (ip) => ip !== '10.0.0.99', expected: 2, maxWaitMs: null }), [a, stranger]);
    sim.connect(a);
    sim.connect(stranger);
    sim.connect(a);
    expect(sim.replies.map((r) => [r.ip, r.message.op === 'connect-reply' && r.message.client])).toEqual([
      ['10.0.0.2', 0],
      ['10.0.0.99', -1],
      ['10.0.0.2', 0],
    ]);
    expect(sim.events).toContainEqual({ kind: 'refused', ip: '10.0.0.99', reason: 'not a target of this push' });
    expect(stranger.client).toBe(-1);
  });

  it('refuses a receiver without the BIG_ENDIAN capability', () => {
    const a = new SimReceiver('10.0.0.2');
    const sim = new Sim(options(), [a]);
    sim.connect(a, 0x01);
    expect(a.client).toBe(-1);
  });

  it('sends HELLO to the rendezvous every helloIntervalMs while waiting for the whole target', () => {
    const a = new SimReceiver('10.0.0.2');
    const sim = new Sim(options({ expected: 2, maxWaitMs: null }), [a]);
    sim.connect(a);
    sim.run(3500);
    const hellos = sim.sent.filter((x) => x.type === 'send' && x.to === 'rendezvous' && x.message.op === 'hello');
    expect(hellos).toHaveLength(4); // t = 0, 1000, 2000, 3000
    expect(sim.core.started).toBe(false);
  });

  it('starts once every target joined and a HELLO sent after the last join went 20 ms without a repeated CONNECT_REQ', () => {
    const rs = [new SimReceiver('10.0.0.2'), new SimReceiver('10.0.0.3')];
    const sim = new Sim(options({ expected: 2, maxWaitMs: null }), rs);
    rs.forEach((r) => sim.connect(r));
    sim.apply(sim.core.poll(0));
    expect(sim.sent.filter((a) => a.type === 'send' && a.message.op === 'hello').length).toBe(1);
    expect(sim.core.nextWakeup(0)).toBe(20);
    sim.apply(sim.core.poll(19));
    expect(sim.core.started).toBe(false);
    sim.apply(sim.core.poll(20));
    expect(kinds(sim)).toContain('started');
  });

  it('starts settleMs after the last join, so the late joiner is in the group for slice 0', () => {
    const rs = [new SimReceiver('10.0.0.2'), new SimReceiver('10.0.0.3')];
    const sim = new Sim(options({ expected: 2, maxWaitMs: null, settleMs: 1000, helloIntervalMs: 500 }), rs);
    sim.connect(rs[0]!);
    sim.apply(sim.core.poll(0));
    sim.now = 300;
    sim.connect(rs[1]!);
    sim.apply(sim.core.poll(500)); // HELLOs after the last join: the start waits for settleMs only
    sim.apply(sim.core.poll(1000));
    sim.apply(sim.core.poll(1299));
    expect(sim.core.started).toBe(false);
    expect(sim.core.nextWakeup(1299)).toBe(1300);
    sim.apply(sim.core.poll(1300));
    expect(sim.core.started).toBe(true);
  });

  it('confirms the joins before the start: a receiver whose CONNECT_REPLYs were lost asks again on a HELLO and has its number before any DATA', () => {
    // A stock receiver still waiting for its reply exits on a REQACK sent to its address
    // (point-to-point); one that is connected ignores HELLOs.
    const r = new SimReceiver('10.0.0.2');
    r.lostReplies = 2;
    const sim = new Sim(options({ expected: 1, maxWaitMs: null, pointToPoint: true }), [r]);
    sim.connect(r);
    expect(r.client).toBe(-1);
    sim.run();
    expect(sim.core.result).toEqual({ ok: true, reason: null });
    const firstData = sim.sent.findIndex((a) => a.type === 'blocks');
    const hellos = sim.sent.flatMap((a, i) => (a.type === 'send' && a.message.op === 'hello' ? [i] : []));
    expect(hellos.length).toBe(3); // two answered with a CONNECT_REQ (replies lost), the third not
    expect(hellos.every((i) => i < firstData)).toBe(true);
    expect(r.client).toBe(0);
    expect(completeImage(sim, r)).toBe(100_000);
  });

  it('starts after at most five confirming HELLOs when the replies keep being lost', () => {
    const r = new SimReceiver('10.0.0.2');
    r.lostReplies = 100;
    const sim = new Sim(options({ expected: 1, maxWaitMs: null, dropAfterMs: 500 }), [r]);
    sim.connect(r);
    sim.run(200);
    expect(sim.core.started).toBe(true);
    const beforeStart = sim.sent.slice(0, sim.sent.findIndex((a) => a.type === 'event' && a.event.kind === 'started'));
    expect(beforeStart.filter((a) => a.type === 'send' && a.message.op === 'hello').length).toBe(5);
  });

  it('starts with min receivers only after max wait', () => {
    const a = new SimReceiver('10.0.0.2');
    const sim = new Sim(options({ expected: 3, minReceivers: 1, maxWaitMs: 5000 }), [a]);
    sim.connect(a);
    sim.run(4999);
    expect(sim.core.started).toBe(false);
    sim.apply(sim.core.poll(5000));
    expect(sim.core.started).toBe(true);
  });

  it('gives up when too few joined before the start timeout', () => {
    const sim = new Sim(options({ expected: 3, minReceivers: 2, maxWaitMs: 1000, startTimeoutMs: 3000 }), []);
    sim.run(10_000);
    expect(sim.core.result).toEqual({ ok: false, reason: 'only 0 of the 2 receivers needed joined within 3000 ms' });
  });

  it('delivers every block to three receivers and ends with the zero-byte slice', () => {
    const rs = ['2', '3', '4'].map((n) => new SimReceiver(`10.0.0.${n}`));
    const sim = new Sim(options({ imageSize: 250_500 }), rs);
    rs.forEach((r) => sim.connect(r));
    sim.run();
    expect(sim.core.result).toEqual({ ok: true, reason: null });
    for (const r of rs) expect(completeImage(sim, r)).toBe(250_500);
    const last = reqacks(sim).at(-1)!;
    expect(last.bytes).toBe(0);
    expect(rs.every((r) => r.okEnd)).toBe(true);
    expect(sim.core.progress().map((p) => [p.state, p.confirmed])).toEqual([
      ['done', 250_500],
      ['done', 250_500],
      ['done', 250_500],
    ]);
    // every slice but the last holds whole blocks
    const loads = sim.sent.flatMap((a) => (a.type === 'load' ? [a.bytes] : []));
    expect(loads.slice(0, -1).every((b) => b % 1000 === 0)).toBe(true);
  });

  // Half duplex with answers 2 ms late: RETRANSMIT rounds run while the next slice is read ahead.
  it.each([
    ['full', 0, 1],
    ['half', 2, 0],
  ] as const)('repairs loss with RETRANSMIT rounds (%s duplex, answers %i ms late), never sending past the window', (duplex, latencyMs, ahead) => {
    let n = 0;
    const lossy = new SimReceiver('10.0.0.2', () => ++n % 7 === 0);
    const clean = new SimReceiver('10.0.0.3');
    const sim = new Sim(options({ imageSize: 300_000, duplex }), [lossy, clean], 64, latencyMs);
    sim.connect(lossy);
    sim.connect(clean);
    sim.run();
    expect(sim.core.result?.ok).toBe(true);
    expect(completeImage(sim, lossy)).toBe(300_000);
    expect(reqacks(sim).some((m) => m.round > 0)).toBe(true);
    expect(sim.maxAhead).toBeLessThanOrEqual(ahead);
  });

  it('drops a silent receiver after dropAfterMs while the others finish', () => {
    const rs = ['2', '3', '4'].map((n) => new SimReceiver(`10.0.0.${n}`));
    const sim = new Sim(options({ imageSize: 2_000_000, dropAfterMs: 2000 }), rs);
    rs.forEach((r) => sim.connect(r));
    let killedAt = -1;
    while (sim.core.result === null && sim.now < 60_000) {
      if (killedAt < 0 && (rs[1]!.got.get(3)?.size ?? 0) > 0) {
        rs[1]!.silent = true;
        killedAt = sim.now;
      }
      sim.apply(sim.core.poll(sim.now, sim.budget));
      sim.now++;
    }
    expect(sim.core.result?.ok).toBe(true);
    const dropped = sim.events.find((e) => e.kind === 'dropped');
    expect(dropped?.kind === 'dropped' && dropped.receiver.ip).toBe('10.0.0.3');
    const at = sim.events.indexOf(dropped!);
    expect(at).toBeGreaterThan(0);
    expect(sim.core.progress().map((p) => p.state)).toEqual(['done', 'dropped', 'done']);
    expect(completeImage(sim, rs[0]!)).toBe(2_000_000);
  });

  it('drops a receiver that keeps answering but never completes a slice (200 rounds and dropAfterMs)', () => {
    const stuck = new SimReceiver('10.0.0.2', (slice, block) => slice === 1 && block === 0);
    const ok = new SimReceiver('10.0.0.3');
    const sim = new Sim(options({ imageSize: 100_000, dropAfterMs: 2000 }), [stuck, ok], 64, 1);
    sim.connect(stuck);
    sim.connect(ok);
    sim.run();
    expect(sim.core.result?.ok).toBe(true);
    expect(sim.core.progress()[0]).toMatchObject({ state: 'dropped', reason: expect.stringMatching(/^slice 1 still incomplete after \d+ rounds$/) });
    expect(sim.now).toBeGreaterThanOrEqual(2000);
    expect(sim.core.progress()[1]!.state).toBe('done');
  });

  it('goes point-to-point with exactly one receiver, multicast with more', () => {
    for (const [n, expected] of [[1, { ip: '10.0.0.2', port: 9000 }], [2, 'group']] as const) {
      const rs = ['2', '3'].slice(0, n).map((x) => new SimReceiver(`10.0.0.${x}`));
      const sim = new Sim(options({ imageSize: 5000, pointToPoint: true }), rs);
      rs.forEach((r) => sim.connect(r));
      sim.apply(sim.core.poll(0));
      sim.apply(sim.core.poll(20));
      sim.apply(sim.core.poll(21));
      expect(sim.core.dataTo).toEqual(expected);
      const reqack = sim.sent.find((a) => a.type === 'send' && a.message.op === 'reqack');
      expect(reqack?.type === 'send' && reqack.to).toEqual(expected);
    }
  });

  it('drops a receiver that sends DISCONNECT mid-push', () => {
    const rs = [new SimReceiver('10.0.0.2'), new SimReceiver('10.0.0.3')];
    const sim = new Sim(options({ imageSize: 500_000 }), rs);
    rs.forEach((r) => sim.connect(r));
    sim.run(5);
    sim.apply(sim.core.handle({ op: 'disconnect' }, '10.0.0.3', 9000, sim.now));
    rs[1]!.silent = true;
    sim.run();
    expect(sim.core.result?.ok).toBe(true);
    expect(sim.core.progress()[1]).toMatchObject({ state: 'dropped', reason: 'disconnected before the end' });
  });

  it('completes when receivers answer slower than the REQACK timeout (stale RETRANSMIT maps still count)', () => {
    let n = 0;
    const slow = new SimReceiver('10.0.0.2', () => ++n % 20 === 0); // 5% loss, answers after 60 ms
    const sim = new Sim(options({ imageSize: 200_000, dropAfterMs: 5000 }), [slow], 64, 60);
    sim.connect(slow);
    sim.run(20_000);
    expect(sim.core.result).toEqual({ ok: true, reason: null });
    expect(completeImage(sim, slow)).toBe(200_000);
  });

  it('ignores a RETRANSMIT for a stale round', () => {
    const a = new SimReceiver('10.0.0.2');
    const sim = new Sim(options({ imageSize: 1000 }), [a]);
    sim.connect(a);
    a.silent = true;
    sim.run(3);
    const out = sim.core.handle({ op: 'retransmit', slice: 0, round: 7, received: new Uint8Array(128) }, '10.0.0.2', 9000, sim.now);
    expect(out).toEqual([]);
  });

  // The driver polls only on events and timers, not every millisecond: a slice opened one
  // poll late is read only after the next OK, and the link idles meanwhile (full duplex did).
  it.each(['half', 'full'] as const)('%s duplex opens and reads the next slice in the poll that sends a REQACK', (duplex) => {
    const a = new SimReceiver('10.0.0.2');
    const sim = new Sim(options({ imageSize: 400_000, duplex }), [a]);
    const polls: SenderAction[][] = [];
    const poll = sim.core.poll.bind(sim.core);
    sim.core.poll = (now, budget) => {
      const out = poll(now, budget);
      polls.push(out);
      return out;
    };
    sim.connect(a);
    sim.run();
    expect(sim.core.result?.ok).toBe(true);
    const loaded = new Set(sim.sent.flatMap((x) => (x.type === 'load' ? [x.slice] : [])));
    let checked = 0;
    for (const out of polls) {
      for (const x of out) {
        if (x.type !== 'send' || x.message.op !== 'reqack' || x.message.round !== 0 || !loaded.has(x.message.slice + 1)) continue;
        const next = x.message.slice + 1;
        expect(out.some((y) => y.type === 'load' && y.slice === next)).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it('half duplex keeps one slice in flight, full duplex at most two', () => {
    for (const [duplex, max] of [['half', 1], ['full', 2]] as const) {
      const a = new SimReceiver('10.0.0.2');
      const sim = new Sim(options({ imageSize: 400_000, duplex }), [a], 64, 3);
      sim.connect(a);
      sim.run();
      expect(sim.core.result?.ok).toBe(true);
      expect(sim.maxInFlightData).toBe(max);
      expect(sim.maxAhead).toBe(max - 1); // no DATA or REQACK (the end slice's included) past the window
    }
  });

  it('a slice read ahead during long REQACK rounds gets its full dropAfterMs once it starts', () => {
    // The receiver ignores slice 0 for 1.5 s (slice 1 is read ahead meanwhile), then answers
    // at once but never completes slice 1: the 200-round rule must count from slice 1's
    // first DATA, not from when it was read.
    const a = new SimReceiver('10.0.0.2', (slice) => slice === 1);
    const sim = new Sim(options({ imageSize: 100_000, duplex: 'half', dropAfterMs: 2000 }), [a], 64, 0);
    sim.connect(a);
    const original = a.onReqack.bind(a);
    a.onReqack = (m, bs) => (m.slice === 0 && sim.now < 1500 ? null : original(m, bs));
    sim.run(10_000);
    const dropped = sim.events.find((e) => e.kind === 'dropped');
    expect(dropped).toBeDefined();
    const firstData1 = sim.dataAt.find((x) => x.slice === 1)!.at;
    expect(firstData1).toBeGreaterThanOrEqual(1500);
    expect(sim.droppedAt! - firstData1).toBeGreaterThanOrEqual(2000);
  });

  it('half duplex reads the next slice while a REQACK is answered, but sends its DATA only after the OK', () => {
    const a = new SimReceiver('10.0.0.2');
    const sim = new Sim(options({ imageSize: 100_000, duplex: 'half' }), [a], 64, 3);
    sim.connect(a);
    sim.run();
    expect(sim.core.result?.ok).toBe(true);
    const at = (pred: (x: (typeof sim.sent)[number]) => boolean) => sim.sent.findIndex(pred);
    for (const k of [0, 1, 2]) {
      const reqack = at((x) => x.type === 'send' && x.message.op === 'reqack' && x.message.slice === k);
      const loadNext = at((x) => x.type === 'load' && x.slice === k + 1);
      const release = at((x) => x.type === 'release' && x.slice === k);
      const nextData = at((x) => x.type === 'blocks' && x.slice === k + 1);
      expect(reqack).toBeGreaterThan(-1);
      expect(loadNext).toBeGreaterThan(reqack); // read ahead once the first pass is over…
      expect(loadNext).toBeLessThan(release); // …before the receivers' OK…
      expect(nextData).toBeGreaterThan(release); // …but no DATA of it goes out before that OK
    }
  });

  // The slice read ahead keeps the size chosen when it opened (before the OK), so growth
  // shows one slice later, in both modes.
  it.each(['full', 'half'] as const)('grows slices ×1.25 after clean slices up to the maximum (%s duplex)', (duplex) => {
    const a = new SimReceiver('10.0.0.2');
    const sim = new Sim(options({ imageSize: 3_000_000, duplex, sliceBlocks: { start: 32, min: 32, max: 100 } }), [a], 64, 2);
    sim.connect(a);
    sim.run();
    expect(sim.core.result?.ok).toBe(true);
    const sizes = sim.sent.flatMap((x) => (x.type === 'load' ? [x.bytes / 1000] : []));
    expect(sizes.slice(0, 5)).toEqual([32, 32, 40, 50, 63]);
    expect(Math.max(...sizes)).toBe(100);
  });

  it('--max-bitrate paces DATA to the rate on the injected clock', () => {
    const a = new SimReceiver('10.0.0.2');
    const bitrate = 8_000_000; // 1 MB/s → 1 MB takes ≈ 1 s (plus 44 header bytes a block)
    const sim = new Sim(options({ imageSize: 1_000_000, maxBitrate: bitrate }), [a], 10_000);
    sim.connect(a);
    sim.run();
    expect(sim.core.result?.ok).toBe(true);
    const expectedMs = ((1_000_000 + 1000 * 44) * 8) / bitrate * 1000;
    expect(sim.now).toBeGreaterThan(expectedMs * 0.95);
    expect(sim.now).toBeLessThan(expectedMs * 1.2);
  });

  it('a sender held back by the pacer always has a finite wakeup, even when asked late', () => {
    const a = new SimReceiver('10.0.0.2');
    const sim = new Sim(options({ imageSize: 1_000_000, maxBitrate: 8_000_000 }), [a], 10_000);
    sim.connect(a);
    sim.apply(sim.core.poll(0));
    sim.apply(sim.core.poll(20)); // the start (a HELLO at 0 went unanswered)
    sim.apply(sim.core.poll(21));
    expect(sim.sent.some((x) => x.type === 'blocks')).toBe(true);
    expect(sim.core.wantsToSend).toBe(false);
    expect(sim.core.nextWakeup(70)).toBe(70); // tokens have long refilled: poll now
  });

  it('autoRate slows down 10% a heavy-loss slice (floor 25% of max) and recovers 2% a clean one', () => {
    let lossy = true;
    let n = 0;
    const a = new SimReceiver('10.0.0.2', () => lossy && ++n % 10 === 0); // 10% loss
    const max = 100_000_000;
    const sim = new Sim(options({ imageSize: 20_000_000, maxBitrate: max, autoRate: true, sliceBlocks: { start: 100, min: 32, max: 100 } }), [a], 10_000);
    sim.connect(a);
    expect(sim.core.rate).toBe(max);
    const rates: number[] = [];
    while (sim.core.result === null && sim.now < 600_000) {
      sim.apply(sim.core.poll(sim.now, sim.budget));
      if (rates.at(-1) !== sim.core.rate) rates.push(sim.core.rate!);
      if (sim.now === 300) lossy = false;
      sim.now++;
    }
    expect(sim.core.result?.ok).toBe(true);
    expect(rates.slice(0, 3)).toEqual([max, 0.9 * max, 0.81 * max]);
    const lowest = Math.min(...rates);
    expect(lowest).toBeGreaterThanOrEqual(0.25 * max);
    expect(rates.at(-1)!).toBeGreaterThan(lowest * 1.1); // recovered once the loss stopped
    expect(rates.every((r) => r <= max)).toBe(true);
  });

  it('a zero-byte image is just the end slice', () => {
    const a = new SimReceiver('10.0.0.2');
    const sim = new Sim(options({ imageSize: 0 }), [a]);
    sim.connect(a);
    sim.run();
    expect(sim.core.result?.ok).toBe(true);
    expect(reqacks(sim).map((m) => [m.slice, m.bytes])).toEqual([[0, 0]]);
  });
});

describe('SenderCore client numbers', () => {
  it('a receiver that disconnects while waiting and rejoins keeps its number; a later joiner gets a new one', () => {
    const [a, b, c] = ['2', '3', '4'].map((n) => new SimReceiver(`10.0.0.${n}`)) as [SimReceiver, SimReceiver, SimReceiver];
    const sim = new Sim(options({ imageSize: 250_500, expected: 3, maxWaitMs: null }), [a, b, c]);
    sim.connect(a);
    sim.connect(b);
    sim.apply(sim.core.handle({ op: 'disconnect' }, b.ip, 9000, sim.now));
    expect(sim.core.progress()[1]).toMatchObject({ ip: b.ip, state: 'dropped' });
    sim.connect(b);
    sim.connect(c);
    expect(new Set([a.client, b.client, c.client]).size).toBe(3);
    expect([a.client, b.client, c.client].every((n) => n >= 0)).toBe(true);
    sim.run();
    expect(sim.core.result).toEqual({ ok: true, reason: null });
    for (const r of [a, b, c]) {
      expect(r.okEnd).toBe(true);
      expect(completeImage(sim, r)).toBe(250_500);
    }
    expect(sim.core.progress().map((p) => p.state)).toEqual(['done', 'done', 'done']);
  });
});
