import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import { AutoPush, type PushStarter, type Timers } from '../../../src/multicast/auto-push.js';
import type { PushTarget } from '../../../src/multicast/targets.js';

/** Timers the test fires by hand: the coordinator's window closes when the test says so. */
function manualTimers(): Timers & { fire(): void; pending(): number } {
  const due = new Map<number, () => void>();
  let next = 0;
  return {
    setTimeout: (fn) => (due.set(++next, fn), next),
    clearTimeout: (h) => void due.delete(h as number),
    fire: () => {
      const fns = [...due.values()];
      due.clear();
      fns.forEach((f) => f());
    },
    pending: () => due.size,
  };
}

function starter(opts: { waiting?: { image: string; ips: string[] }; fail?: boolean } = {}): PushStarter & { started: { image: string; targets: PushTarget[] }[] } {
  const started: { image: string; targets: PushTarget[] }[] = [];
  return {
    started,
    joinable: (image, ip) => (opts.waiting && opts.waiting.image === image && opts.waiting.ips.includes(ip) ? { id: 7, portBase: 9004 } : undefined),
    startFor: async (image, targets) => {
      if (opts.fail) throw new Error('port base 9000 is used');
      started.push({ image, targets });
      return { id: 40 + started.length, portBase: 9000 + 2 * started.length };
    },
  };
}

const node = (n: number): PushTarget => ({ nodeId: n, hostname: `n${n}`, ip: `10.0.0.${n}` });
const settings = { enabled: true, minReceivers: 2, maxWait: 10 };
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('AutoPush: nodes that boot one image together share one push', () => {
  it('holds the first node until the window closes, then starts one push for every node of that image that asked', async () => {
    const t = manualTimers();
    const s = starter();
    const auto = new AutoPush(settings, s, silentLogger(), undefined, t);
    const answers = [auto.route('deb12', node(1)), auto.route('deb12', node(2)), auto.route('deb12', node(3))];
    let settled = false;
    void Promise.race(answers).then(() => (settled = true));
    await flush();
    expect(settled).toBe(false);
    expect(t.pending()).toBe(1); // one window for the image, not one per node
    t.fire();
    const got = await Promise.all(answers);
    expect(got).toEqual([0, 1, 2].map(() => ({ method: 'multicast', portBase: 9002, push: 41 })));
    expect(s.started).toEqual([{ image: 'deb12', targets: [node(1), node(2), node(3)] }]);
  });

  it('sends a node that asked alone to HTTP, saying why', async () => {
    const t = manualTimers();
    const s = starter();
    const auto = new AutoPush(settings, s, silentLogger(), undefined, t);
    const answer = auto.route('deb12', node(1));
    t.fire();
    expect(await answer).toEqual({ method: 'http', reason: '1 node(s) asked for deb12 together; a push needs 2' });
    expect(s.started).toEqual([]);
  });

  it('keeps images apart: two images asked at once give two windows and never one mixed push', async () => {
    const t = manualTimers();
    const s = starter();
    const auto = new AutoPush(settings, s, silentLogger(), undefined, t);
    const a = [auto.route('deb12', node(1)), auto.route('alma9', node(2)), auto.route('deb12', node(3))];
    expect(t.pending()).toBe(2);
    t.fire();
    const [a1, b, a3] = await Promise.all(a);
    expect(a1).toEqual(a3);
    expect(a1.method).toBe('multicast');
    expect(b.method).toBe('http');
    expect(s.started.map((p) => [p.image, p.targets.map((x) => x.hostname)])).toEqual([['deb12', ['n1', 'n3']]]);
  });

  it('a node that asks after the window closed opens a new window instead of joining a push already sending', async () => {
    const t = manualTimers();
    const s = starter();
    const auto = new AutoPush(settings, s, silentLogger(), undefined, t);
    const first = [auto.route('deb12', node(1)), auto.route('deb12', node(2))];
    t.fire();
    await Promise.all(first);
    const late = auto.route('deb12', node(3));
    expect(t.pending()).toBe(1);
    t.fire();
    expect((await late).method).toBe('http');
    expect(s.started).toHaveLength(1);
  });

  it('joins a push an admin started that already targets the node, at once', async () => {
    const t = manualTimers();
    const auto = new AutoPush(settings, starter({ waiting: { image: 'deb12', ips: ['10.0.0.1'] } }), silentLogger(), undefined, t);
    expect(await auto.route('deb12', node(1))).toEqual({ method: 'multicast', portBase: 9004, push: 7 });
    expect(t.pending()).toBe(0);
  });

  it('falls back to HTTP for everyone when the push cannot start, and when autoPush is off', async () => {
    const t = manualTimers();
    const auto = new AutoPush(settings, starter({ fail: true }), silentLogger(), undefined, t);
    const a = [auto.route('deb12', node(1)), auto.route('deb12', node(2))];
    t.fire();
    for (const r of await Promise.all(a)) expect(r).toEqual({ method: 'http', reason: 'the push could not start: port base 9000 is used' });
    const off = new AutoPush({ ...settings, enabled: false }, starter(), silentLogger(), undefined, t);
    expect(await off.route('deb12', node(1))).toEqual({ method: 'http', reason: 'multicast.autoPush is off' });
  });

  it('close() answers every held node with HTTP', async () => {
    const t = manualTimers();
    const auto = new AutoPush(settings, starter(), silentLogger(), undefined, t);
    const a = auto.route('deb12', node(1));
    auto.close();
    expect(await a).toEqual({ method: 'http', reason: 'rackboot is stopping' });
  });

  it('closes the window as soon as every node seen booting the image has asked, and not before', async () => {
    const t = manualTimers();
    const s = starter();
    const booting = [1, 2, 3];
    const auto = new AutoPush(settings, s, silentLogger(), () => booting, t);
    const a = [auto.route('deb12', node(1)), auto.route('deb12', node(2))];
    await flush();
    expect(s.started).toEqual([]); // node 3 is still booting
    a.push(auto.route('deb12', node(3)));
    for (const r of await Promise.all(a)) expect(r.method).toBe('multicast');
    expect(s.started.map((p) => p.targets.length)).toEqual([3]);
    // Alone: nobody else boots that image, so it is answered at once, over HTTP.
    booting.splice(0);
    expect(await auto.route('deb12', node(4))).toEqual({ method: 'http', reason: '1 node(s) asked for deb12 together; a push needs 2' });
    expect(t.pending()).toBe(0); // both windows closed early, their timers gone
    expect(s.started).toHaveLength(1);
  });

  it('an unregistered machine keeps the window open: the inventory cannot see who else boots with it', async () => {
    const t = manualTimers();
    const s = starter();
    const auto = new AutoPush(settings, s, silentLogger(), () => [], t);
    const stranger = auto.route('deb12', { nodeId: null, hostname: null, ip: '10.0.0.99' });
    const other = auto.route('deb12', node(1));
    await flush();
    expect(s.started).toEqual([]);
    t.fire();
    expect((await stranger).method).toBe('multicast');
    expect((await other).method).toBe('multicast');
  });
});
