import { describe, expect, it } from 'vitest';
import { PROBE_ROUND } from '../../../src/multicast/sender-core.js';
import { Sim, SimReceiver, completeImage, options, reqacks } from './sim.js';

/** Full duplex against udp-receiver's rules: the end slice, the probe and its gate. */
describe('SenderCore duplex modes (fake clock)', () => {
  // A stock udp-receiver OKs the zero-byte end slice whatever it still misses. Sent while the
  // last data slice was in RETRANSMIT rounds (full duplex), that OK marked the receiver done,
  // so the missing slice counted as complete: the push "succeeded" 263 blocks short and the
  // receiver waited forever (seen in the N = 1 bench).
  it.each(['full', 'half'] as const)('%s duplex: the end REQACK waits until every data slice is OKed', (duplex) => {
    const lastSliceLosses = new Set<number>();
    const imageSize = 300_000;
    // the first pass over the last data slice is lost, block by block
    const a = new SimReceiver('10.0.0.2', (slice, block) => {
      const last = sim.sent.some((x) => x.type === 'load' && x.slice === slice && x.offset + x.bytes === imageSize);
      if (!last || lastSliceLosses.has(block)) return false;
      lastSliceLosses.add(block);
      return true;
    });
    const sim = new Sim(options({ imageSize, duplex }), [a], 64, 2);
    sim.connect(a);
    sim.run();
    expect(sim.core.result).toEqual({ ok: true, reason: null });
    expect(lastSliceLosses.size).toBeGreaterThan(0);
    expect(completeImage(sim, a)).toBe(imageSize);
    expect(sim.core.progress().map((p) => [p.state, p.confirmed])).toEqual([['done', imageSize]]);
    const endReqack = sim.sent.findIndex((x) => x.type === 'send' && x.message.op === 'reqack' && x.message.bytes === 0);
    const lastRelease = sim.sent.findLastIndex((x, i) => i < endReqack && x.type === 'release');
    const dataSlices = sim.sent.filter((x) => x.type === 'load').length;
    expect(sim.sent.slice(0, lastRelease + 1).filter((x) => x.type === 'release')).toHaveLength(dataSlices);
  });

  // Seen in the N = 1 bench with --full-duplex, 1 push in 10: udp-receiver lost every packet
  // of slice 7, got DATA of slice 8 and exited "Dropped by server now=8 last=6".
  it('full duplex: a receiver that lost every packet of a slice gets no DATA of the next one until it answers a REQACK of it', () => {
    const a = new SimReceiver('10.0.0.2', (slice, block) => slice === 1 && !resent.has(block));
    const resent = new Set<number>();
    const sim = new Sim(options({ imageSize: 200_000, duplex: 'full' }), [a], 64, 1);
    const onReqack = a.onReqack.bind(a);
    // the probe and round 0 of slice 1 are lost too
    a.onReqack = (m, bs) => (m.slice === 1 && (m.round === PROBE_ROUND || m.round === 0) ? null : onReqack(m, bs));
    const apply = sim.apply.bind(sim);
    sim.apply = (actions) => {
      apply(actions);
      // blocks of slice 1 get through once REQACK round 0 of slice 1 has gone out (its re-sends)
      if (reqacks(sim).some((m) => m.slice === 1 && m.round === 0)) for (let b = 0; b < 1024; b++) resent.add(b);
    };
    sim.connect(a);
    sim.run();
    expect(a.abortedAt).toBeNull();
    expect(sim.core.result).toEqual({ ok: true, reason: null });
    expect(completeImage(sim, a)).toBe(200_000);
    const probes = reqacks(sim).filter((m) => m.round === PROBE_ROUND).map((m) => m.slice);
    expect(new Set(probes).size).toBe(probes.length); // one probe per slice…
    expect(probes.length).toBeGreaterThanOrEqual(3);
    expect(reqacks(sim).some((m) => m.bytes === 0 && m.round === PROBE_ROUND)).toBe(false); // …never for the end
  });

  it('half duplex sends no probe', () => {
    const a = new SimReceiver('10.0.0.2');
    const sim = new Sim(options({ imageSize: 200_000, duplex: 'half' }), [a], 64, 1);
    sim.connect(a);
    sim.run();
    expect(sim.core.result?.ok).toBe(true);
    expect(reqacks(sim).filter((m) => m.round === PROBE_ROUND)).toEqual([]);
  });

  it('full duplex probes after the first 8 blocks and keeps two slices in flight on a clean link, re-sending nothing', () => {
    const a = new SimReceiver('10.0.0.2');
    const answers: string[] = [];
    const onReqack = a.onReqack.bind(a);
    a.onReqack = (m, bs) => {
      const r = onReqack(m, bs);
      if (m.round === PROBE_ROUND && r) answers.push(r.op);
      return r;
    };
    const sim = new Sim(options({ imageSize: 2_000_000, duplex: 'full', sliceBlocks: { start: 200, min: 32, max: 400 } }), [a], 64, 3);
    sim.connect(a);
    sim.run();
    expect(sim.core.result?.ok).toBe(true);
    expect(completeImage(sim, a)).toBe(2_000_000);
    const sentBlocks = sim.sent.reduce((n, x) => n + (x.type === 'blocks' ? x.blocks.length : 0), 0);
    expect(sentBlocks).toBe(2000); // nothing re-sent
    expect(reqacks(sim).filter((m) => m.round !== PROBE_ROUND).every((m) => m.round === 0)).toBe(true);
    const first = sim.sent.findIndex((x) => x.type === 'blocks');
    expect(sim.sent[first]).toMatchObject({ type: 'blocks', slice: 0, blocks: [0, 1, 2, 3, 4, 5, 6, 7] });
    expect(sim.sent[first + 1]).toMatchObject({ type: 'send', message: { op: 'reqack', slice: 0, round: PROBE_ROUND } });
    expect(answers.length).toBeGreaterThanOrEqual(5);
    expect(answers.every((op) => op === 'retransmit')).toBe(true); // the probe's map is no repair request
    expect(sim.maxInFlightData).toBe(2);
  });

  it('full duplex: a slice held back for a silent receiver gets its full dropAfterMs once it starts', () => {
    // b answers nothing after slice 0, so slice 2 waits (the probe gate) until b is dropped,
    // about dropAfterMs in. a never completes slice 2: its 200 rounds and dropAfterMs count
    // from slice 2's first DATA, not from when slice 2 was held.
    const a = new SimReceiver('10.0.0.2', (slice) => slice === 2);
    const b = new SimReceiver('10.0.0.3');
    const sim = new Sim(options({ imageSize: 100_000, duplex: 'full', dropAfterMs: 1000 }), [a, b], 64, 1);
    const onReqack = b.onReqack.bind(b);
    b.onReqack = (m, bs) => (m.slice >= 1 ? null : onReqack(m, bs));
    const droppedAt = new Map<string, number>();
    const apply = sim.apply.bind(sim);
    sim.apply = (actions) => {
      for (const x of actions) if (x.type === 'event' && x.event.kind === 'dropped') droppedAt.set(x.event.receiver.ip, sim.now);
      apply(actions);
    };
    sim.connect(a);
    sim.connect(b);
    sim.run(10_000);
    expect(droppedAt.get('10.0.0.3')).toBeGreaterThanOrEqual(1000);
    const firstData2 = sim.dataAt.find((x) => x.slice === 2)!.at;
    expect(firstData2).toBeGreaterThanOrEqual(droppedAt.get('10.0.0.3')!);
    expect(droppedAt.get('10.0.0.2')! - firstData2).toBeGreaterThanOrEqual(1000);
  });

  it('full duplex: the next slice waits for every receiver, not just one, to answer a REQACK of the slice it lost', () => {
    const a = new SimReceiver('10.0.0.2');
    const resent = new Set<number>();
    const b = new SimReceiver('10.0.0.3', (slice, block) => slice === 1 && !resent.has(block));
    const sim = new Sim(options({ imageSize: 200_000, duplex: 'full' }), [a, b]);
    const onReqack = b.onReqack.bind(b);
    let bAnswered1 = -1; // where in sim.sent b first answered a REQACK of slice 1
    b.onReqack = (m, bs) => {
      if (m.slice === 1 && (m.round === PROBE_ROUND || m.round === 0)) return null; // lost too
      const r = onReqack(m, bs);
      if (r && m.slice === 1 && bAnswered1 < 0) bAnswered1 = sim.sent.length;
      return r;
    };
    const apply = sim.apply.bind(sim);
    sim.apply = (actions) => {
      apply(actions);
      if (reqacks(sim).some((m) => m.slice === 1 && m.round === 0)) for (let k = 0; k < 1024; k++) resent.add(k);
    };
    sim.connect(a);
    sim.connect(b);
    sim.run();
    expect(b.abortedAt).toBeNull();
    expect(sim.core.result).toEqual({ ok: true, reason: null });
    expect([completeImage(sim, a), completeImage(sim, b)]).toEqual([200_000, 200_000]);
    expect(bAnswered1).toBeGreaterThan(0);
    // a answered slice 1's probe at once; slice 2 still waited for b
    expect(sim.sent.findIndex((x) => x.type === 'blocks' && x.slice === 2)).toBeGreaterThan(bAnswered1);
  });

  it('full duplex: a slice every receiver OKed, waiting behind an older one in RETRANSMIT rounds, is not asked again', () => {
    const passes = new Map<number, number>(); // slice 2's blocks get through from their eighth pass on
    const a = new SimReceiver('10.0.0.2', (slice, block) => {
      if (slice !== 2) return false;
      passes.set(block, (passes.get(block) ?? 0) + 1);
      return passes.get(block)! < 8;
    });
    const sim = new Sim(options({ imageSize: 200_000, duplex: 'full', sliceBlocks: { start: 20, min: 8, max: 1024 } }), [a], 64, 2);
    sim.connect(a);
    sim.run();
    expect(sim.core.result).toEqual({ ok: true, reason: null });
    expect(completeImage(sim, a)).toBe(200_000);
    expect(reqacks(sim).filter((m) => m.slice === 2 && m.round > 0 && m.round !== PROBE_ROUND).length).toBeGreaterThanOrEqual(2);
    // slice 3 was OKed in its round 0 while slice 2 still needed seven more rounds
    expect(reqacks(sim).filter((m) => m.slice === 3 && m.round !== PROBE_ROUND).map((m) => m.round)).toEqual([0]);
  });
});
