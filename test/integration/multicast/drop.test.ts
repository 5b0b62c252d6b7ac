import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitsWith, sha256 } from './netlab.js';
import { pushLabSuite, nodeStages } from './inventory.js';

describe('a receiver killed mid-push', () => {
  const env = pushLabSuite({ tools: ['ip', 'udp-receiver'], tag: 'c', subnet: 3, hosts: 5, targets: [1, 2, 3, 4], rack: 'k' });

  it('is dropped after --drop-after while the others finish; never-joined and dropped are reported', async () => {
    const image = env.lab.file('image.bin', 32 * 1024 * 1024);
    const digest = sha256(image);
    const outs = [1, 2, 3].map((i) => join(env.lab.dir, `out${i}.bin`));
    const receivers = [1, 2, 3].map((i) => env.lab.udpReceiver(i, outs[i - 1]!));
    // n4 (host 4) never starts a receiver: the push starts with 3 after --max-wait.
    const push = env.lab.rackboot(0, ['--db', env.dbFile, 'push', image, '--to', 'rack:k', '--min', '3', '--max-wait', '2', '--drop-after', '2', '--max-bitrate', '100m', '--interface', env.lab.iface(0), '--json']);
    // 32 MiB at 100 Mbit/s takes ≈ 2.8 s; kill receiver 2 about a second into the data.
    const started = Date.now();
    while (!push.output().includes('waiting for receivers') && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 3000));
    receivers[1]!.child.kill('SIGKILL');
    expect(await push.exit).toBe(1); // not every target received the image
    for (const i of [0, 2]) {
      await exitsWith(receivers[i]!, 0);
      expect(sha256(outs[i]!)).toBe(digest);
    }
    const result = JSON.parse(push.output().slice(push.output().indexOf('{')));
    expect(result.state).toBe('done');
    const byHost = Object.fromEntries(result.receivers.map((r: { hostname: string }) => [r.hostname, r]));
    expect(byHost.n1.state).toBe('done');
    expect(byHost.n3.state).toBe('done');
    expect(byHost.n2).toMatchObject({ state: 'dropped', detail: expect.stringMatching(/^no answer for \d+ s$/) });
    expect(byHost.n2.bytesConfirmed).toBeGreaterThan(0);
    expect(byHost.n2.bytesConfirmed).toBeLessThan(32 * 1024 * 1024);
    expect(byHost.n4.state).toBe('never-joined');
    expect(nodeStages(env.db)).toEqual({ n1: 'push-done', n2: 'push-dropped', n3: 'push-done', n4: null });
  });
});

describe('the only receiver killed mid-push (point-to-point)', () => {
  const env = pushLabSuite({ tools: ['ip', 'udp-receiver'], tag: 'd', subnet: 5, hosts: 2, targets: [1], rack: 'p' });

  it('ends the push with the receiver dropped at once: its host answers DATA with port unreachable, which must not crash the sender', async () => {
    const image = env.lab.file('image.bin', 64 * 1024 * 1024);
    const receiver = env.lab.udpReceiver(1, join(env.lab.dir, 'out.bin'));
    // One receiver gets DATA unicast on a socket connected to it: once udp-receiver is gone,
    // its host's ICMP port unreachable turns into ECONNREFUSED on that socket.
    const push = env.lab.rackboot(0, ['--db', env.dbFile, 'push', image, '--to', 'n1', '--drop-after', '30', '--max-bitrate', '100m', '--interface', env.lab.iface(0), '--json']);
    const started = Date.now();
    while (!push.output().includes('waiting for receivers') && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 50));
    // 64 MiB at 100 Mbit/s takes ≈ 5.6 s after the 1 s settle: kill it about 2 s into the data.
    await new Promise((r) => setTimeout(r, 3000));
    receiver.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await push.exit).toBe(1);
    // Dropped on the ICMP error, not after --drop-after (30 s).
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(push.output()).not.toMatch(/Unhandled 'error' event|ECONNREFUSED/);
    const result = JSON.parse(push.output().slice(push.output().indexOf('{')));
    expect(result.state).toBe('failed');
    expect(result.receivers).toEqual([expect.objectContaining({ hostname: 'n1', state: 'dropped', detail: expect.stringMatching(/port unreachable/) })]);
    expect(nodeStages(env.db)).toEqual({ n1: 'push-dropped' });
  });
});
