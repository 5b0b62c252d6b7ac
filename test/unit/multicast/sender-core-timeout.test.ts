import { describe, expect, it } from 'vitest';
import type { SenderAction } from '../../../src/multicast/sender-types.js';
import { PROBE_ROUND } from '../../../src/multicast/sender-core.js';
import { completeImage, options, reqacks, Sim, SimReceiver } from './sim.js';

/** Records when each REQACK (slice/round) was sent, on the sim's clock. */
function timeReqacks(sim: Sim): Map<string, number> {
  const at = new Map<string, number>();
  const apply = sim.apply.bind(sim);
  sim.apply = (actions: SenderAction[]) => {
    for (const a of actions) if (a.type === 'send' && a.message.op === 'reqack') at.set(`${a.message.slice}/${a.message.round}`, sim.now);
    apply(actions);
  };
  return at;
}

describe('SenderCore: the REQACK round timeout, learned per round', () => {
  it('asks again within a few round times when one answer is lost (10 ms or more before)', () => {
    const r = new SimReceiver('10.0.0.2');
    const answer = r.onReqack.bind(r);
    r.onReqack = (m, bs) => (m.slice === 12 && m.round === 0 ? null : answer(m, bs));
    const sim = new Sim(options({ imageSize: 400_000, duplex: 'half' }), [r], 64, 1);
    const at = timeReqacks(sim);
    sim.connect(r);
    sim.run();
    expect(sim.core.result?.ok).toBe(true);
    const wait = at.get('12/1')! - at.get('12/0')!;
    expect(wait).toBeGreaterThanOrEqual(2);
    expect(wait).toBeLessThanOrEqual(5);
  });

  it('waits for the slowest receiver: one answering in 6 ms among 15 at once causes no extra round', () => {
    const rs = Array.from({ length: 16 }, (_, i) => new SimReceiver(`10.0.0.${i + 2}`));
    const sim = new Sim(options({ imageSize: 600_000, duplex: 'half' }), rs, 64, (ip) => (ip === '10.0.0.17' ? 6 : 0));
    rs.forEach((r) => sim.connect(r));
    sim.run();
    expect(sim.core.result?.ok).toBe(true);
    // Timing each answer (15 instant, 1 late) put the timeout near 2 ms: every round timed out.
    expect(reqacks(sim).filter((m) => m.round > 0)).toEqual([]);
  });

  it('backs off while a receiver is silent: REQACKs to a dead receiver slow down, and it is still dropped', () => {
    const a = new SimReceiver('10.0.0.2');
    const dead = new SimReceiver('10.0.0.3');
    const sim = new Sim(options({ imageSize: 3_000_000, duplex: 'half', dropAfterMs: 3000 }), [a, dead], 64, 1);
    sim.connect(a);
    sim.connect(dead);
    sim.run(30); // started at 20 ms (the confirming HELLO), and answered the first REQACKs
    expect(sim.core.progress()[1]).toMatchObject({ state: 'joined' });
    dead.silent = true;
    const before = reqacks(sim).length;
    sim.run();
    expect(sim.core.result?.ok).toBe(true);
    expect(sim.core.progress()[1]).toMatchObject({ state: 'dropped' });
    // Without backoff a 10 ms timeout asks ~300 times in 3 s; doubling to 500 ms, about 12.
    expect(reqacks(sim).length - before).toBeLessThan(60);
    // It answered REQACKs before: it has its CONNECT_REPLY, and a HELLO would not help it.
    expect(sim.replies.filter((x) => x.message.op === 'hello')).toEqual([]);
  });

  it('sends a HELLO to a receiver whose CONNECT_REPLY was lost when it lets a round time out; it asks again and completes', () => {
    // udp-receiver asks again only on a HELLO, and HELLOs stop at the start: without this it
    // waited in silence and was dropped after dropAfterMs (1 % loss, N = 8, one push in ~170).
    const a = new SimReceiver('10.0.0.2');
    const b = new SimReceiver('10.0.0.3');
    b.lostReplies = 6; // one more than the start's confirming HELLOs can repair
    const sim = new Sim(options({ imageSize: 300_000, duplex: 'half', dropAfterMs: 3000 }), [a, b], 64, 1);
    sim.connect(a);
    sim.connect(b);
    expect(b.client).toBe(-1); // joined for the sender, still waiting for its reply
    sim.run();
    expect(sim.core.result?.ok).toBe(true);
    expect(sim.core.progress().map((r) => r.state)).toEqual(['done', 'done']);
    expect(completeImage(sim, b)).toBe(300_000);
    expect(sim.replies.filter((x) => x.message.op === 'hello').map((x) => x.ip)).toEqual(['10.0.0.3']);
    expect(b.client).toBe(1); // the same number, from the CONNECT_REQ the HELLO brought back
    expect(sim.now).toBeLessThan(500);
  });

  it('full duplex asks a slice again as soon as its receiver answers a later REQACK instead (the earlier one was lost)', () => {
    const r = new SimReceiver('10.0.0.2');
    const answer = r.onReqack.bind(r);
    let lost = -1; // the slice whose REQACK round 0 is lost: the first asked after 40 ms
    r.onReqack = (m, bs) => {
      if (lost < 0 && m.round === 0 && sim.now > 40) lost = m.slice;
      return m.slice === lost && m.round === 0 ? null : answer(m, bs);
    };
    // Answers take 15 ms for the first 40 ms, then 1 ms: the timeout learned early is still
    // long (the round is asked again 45 ms later without the fast re-ask).
    const sim = new Sim(options({ imageSize: 400_000, duplex: 'full', sliceBlocks: { start: 20, min: 8, max: 1024 } }), [r], 64, () => (sim.now < 40 ? 15 : 1));
    const at = timeReqacks(sim);
    sim.connect(r);
    sim.run();
    expect(sim.core.result?.ok).toBe(true);
    expect(lost).toBeGreaterThan(0);
    // the next slice's probe goes out after the lost REQACK and is answered in 1 ms
    expect(at.get(`${lost + 1}/${PROBE_ROUND}`)!).toBeGreaterThan(at.get(`${lost}/0`)!);
    expect(at.get(`${lost}/1`)! - at.get(`${lost}/0`)!).toBeLessThanOrEqual(3);
    // and nothing else was asked again once answers were fast (the sim keeps each receiver's
    // answers in order; before, the 10 ms first timeout re-asks what 15 ms answers had not reached)
    const later = [...at].filter(([key, t]) => t > 40 && !key.endsWith(`/${PROBE_ROUND}`) && !key.endsWith('/0'));
    expect(later.map(([key]) => key)).toEqual([`${lost}/1`]);
  });

  it('full duplex on a clean link asks nothing again early: 16 receivers answering in 0–6 ms, each in order', () => {
    const rs = Array.from({ length: 16 }, (_, i) => new SimReceiver(`10.0.0.${i + 2}`));
    const sim = new Sim(options({ imageSize: 600_000, duplex: 'full' }), rs, 64, (ip) => Number(ip.split('.')[3]) % 7);
    rs.forEach((r) => sim.connect(r));
    sim.run();
    expect(sim.core.result?.ok).toBe(true);
    expect(reqacks(sim).filter((m) => m.round > 0 && m.round !== PROBE_ROUND)).toEqual([]);
  });
});
