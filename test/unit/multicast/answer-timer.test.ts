import { describe, expect, it } from 'vitest';
import { AnswerTimer } from '../../../src/multicast/answer-timer.js';
import { options, Sim, SimReceiver } from './sim.js';

describe('AnswerTimer (how long a REQACK round waits for its answers)', () => {
  it('starts at 10 ms, then the first answer sets the mean', () => {
    const t = new AnswerTimer();
    expect(t.timeout).toBe(10);
    t.sample(1);
    expect(t.timeout).toBe(4); // 1 + 4 × 0.5 + 1
  });

  it('settles near 2 ms when answers take 0.5 ms every time (the old rule never went below 10)', () => {
    const t = new AnswerTimer();
    for (let i = 0; i < 50; i++) t.sample(0.5);
    expect(t.timeout).toBeGreaterThanOrEqual(2);
    expect(t.timeout).toBeLessThan(2.1);
  });

  it('waits longer when answer times spread (slow receivers among fast ones)', () => {
    const steady = new AnswerTimer();
    const spread = new AnswerTimer();
    for (let i = 0; i < 50; i++) {
      steady.sample(3);
      spread.sample(i % 2 === 0 ? 1 : 5);
    }
    expect(spread.timeout).toBeGreaterThan(steady.timeout + 5);
  });

  it('stays within 2–500 ms whatever it sees', () => {
    const t = new AnswerTimer();
    t.sample(-5);
    expect(t.timeout).toBe(2);
    for (let i = 0; i < 20; i++) t.sample(10_000);
    expect(t.timeout).toBe(500);
  });
});

describe('SenderCore with the learned REQACK timeout', () => {
  it('asks again within a few answer times when one answer is lost (10 ms or more before)', () => {
    const r = new SimReceiver('10.0.0.2');
    const answer = r.onReqack.bind(r);
    r.onReqack = (m, bs) => (m.slice === 12 && m.round === 0 ? null : answer(m, bs));
    const sim = new Sim(options({ imageSize: 400_000, duplex: 'half' }), [r], 64, 1);
    const askedAt = new Map<string, number>();
    const apply = sim.apply.bind(sim);
    sim.apply = (actions) => {
      for (const a of actions) if (a.type === 'send' && a.message.op === 'reqack') askedAt.set(`${a.message.slice}/${a.message.round}`, sim.now);
      apply(actions);
    };
    sim.connect(r);
    sim.run();
    expect(sim.core.result?.ok).toBe(true);
    const wait = askedAt.get('12/1')! - askedAt.get('12/0')!;
    expect(wait).toBeGreaterThanOrEqual(2);
    expect(wait).toBeLessThanOrEqual(5);
  });
});
