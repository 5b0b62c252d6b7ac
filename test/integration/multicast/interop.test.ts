import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exitsWith, sha256 } from './netlab.js';
import { pushLabSuite, nodeStages } from './inventory.js';

/**
 * rackboot and the stock udpcast programs (Debian udpcast 20120424) in network namespaces
 * on a bridge: host 0 sends, hosts 1–3 are the target rack, host 4 is a stranger.
 */
describe('udpcast interop in network namespaces', () => {
  const env = pushLabSuite({ tools: ['ip', 'udp-sender', 'udp-receiver'], tag: 'a', subnet: 1, hosts: 5, targets: [1, 2, 3], rack: 'r1' });
  let image: string;
  let digest: string;

  beforeAll(() => {
    image = env.lab.file('image.bin', 12 * 1024 * 1024 + 777); // not a whole number of blocks
    digest = sha256(image);
  });

  it('rackboot push → three stock udp-receivers; a stranger is refused (client −1)', async () => {
    const outs = [1, 2, 3].map((i) => join(env.lab.dir, `stock${i}.bin`));
    const receivers = [1, 2, 3].map((i) => env.lab.udpReceiver(i, outs[i - 1]!));
    const stranger = env.lab.rackboot(4, ['receive', '--out', join(env.lab.dir, 'stranger.bin'), '--interface', env.lab.iface(4), '--timeout', '30']);
    const strangerExit = stranger.exit;
    const push = env.lab.rackboot(0, ['--db', env.dbFile, 'push', image, '--to', 'rack:r1', '--interface', env.lab.iface(0), '--max-wait', '20', '--json']);
    expect(await strangerExit).not.toBe(0);
    expect(stranger.output()).toMatch(/refused by the sender at 10\.78\.1\.1: this host is not a target/);
    await exitsWith(push, 0);
    for (const r of receivers) await exitsWith(r, 0);
    for (const o of outs) expect(sha256(o)).toBe(digest);
    expect(existsSync(join(env.lab.dir, 'stranger.bin'))).toBe(false);

    const result = JSON.parse(push.output().slice(push.output().indexOf('{')));
    expect(result).toMatchObject({ state: 'done', size: 12 * 1024 * 1024 + 777, target: 'rack:r1' });
    const byIp = Object.fromEntries(result.receivers.map((r: { ip: string }) => [r.ip, r]));
    for (const i of [1, 2, 3]) expect(byIp[env.lab.ip(i)]).toMatchObject({ hostname: `n${i}`, state: 'done', bytesConfirmed: 12 * 1024 * 1024 + 777 });
    expect(byIp[env.lab.ip(4)]).toMatchObject({ hostname: null, state: 'refused', detail: 'not a target of this push' });
    expect(nodeStages(env.db)).toEqual({ n1: 'push-done', n2: 'push-done', n3: 'push-done' });
    const stages = env.db.prepare("SELECT stage FROM boot_events WHERE stage LIKE 'push-%' ORDER BY id").all() as { stage: string }[];
    expect(stages.filter((s) => s.stage === 'push-joined')).toHaveLength(3);
  });

  it('stock udp-sender → two rackboot receivers, sha256 verified, written atomically', async () => {
    const outs = [1, 2].map((i) => join(env.lab.dir, `rb${i}.bin`));
    const receivers = [1, 2].map((i) => env.lab.rackboot(i, ['receive', '--out', outs[i - 1]!, '--sha256', digest, '--interface', env.lab.iface(i), '--timeout', '30']));
    const sender = env.lab.spawn(0, 'udp-sender', ['--file', image, '--nokbd', '--interface', env.lab.iface(0), '--min-receivers', '2', '--max-wait', '20']);
    for (const r of receivers) await exitsWith(r, 0);
    await exitsWith(sender, 0);
    for (const o of outs) expect(sha256(o)).toBe(digest);
    expect(receivers[0]!.output()).toMatch(/received 12583689 bytes from 10\.78\.1\.1 .* \(verified\)/);
  });

  it('stock udp-sender → one rackboot receiver (the stock sender goes point-to-point)', async () => {
    const out = join(env.lab.dir, 'p2p.bin');
    const r = env.lab.rackboot(1, ['receive', '--out', out, '--interface', env.lab.iface(1), '--timeout', '30']);
    const sender = env.lab.spawn(0, 'udp-sender', ['--file', image, '--nokbd', '--interface', env.lab.iface(0), '--min-receivers', '1']);
    await exitsWith(r, 0);
    await exitsWith(sender, 0);
    expect(sha256(out)).toBe(digest);
  });

  it('rackboot → rackboot, half duplex with a rate limit, one datagram per system call (--no-gso)', async () => {
    const outs = [1, 2, 3].map((i) => join(env.lab.dir, `rr${i}.bin`));
    const receivers = [1, 2, 3].map((i) => env.lab.rackboot(i, ['receive', '--out', outs[i - 1]!, '--sha256', digest, '--interface', env.lab.iface(i), '--timeout', '30']));
    const push = env.lab.rackboot(0, ['--db', env.dbFile, 'push', image, '--to', 'n1,n2,n3', '--half-duplex', '--max-bitrate', '400m', '--no-gso', '--interface', env.lab.iface(0)]);
    await exitsWith(push, 0);
    for (const r of receivers) await exitsWith(r, 0);
    for (const o of outs) expect(sha256(o)).toBe(digest);
    expect(push.output()).toMatch(/push \d+ done: .*\(3 of 3 targets received the image\)/);
  });

  it('a sha256 mismatch exits non-zero and leaves no file behind', async () => {
    const out = join(env.lab.dir, 'bad.bin');
    const r = env.lab.rackboot(1, ['receive', '--out', out, '--sha256', '0'.repeat(64), '--interface', env.lab.iface(1), '--timeout', '30']);
    const push = env.lab.rackboot(0, ['--db', env.dbFile, 'push', image, '--to', 'n1', '--interface', env.lab.iface(0)]);
    expect(await r.exit).not.toBe(0);
    expect(r.output()).toMatch(/sha256 mismatch: received [0-9a-f]{64}, expected 0{64}/);
    expect(existsSync(out)).toBe(false);
    await exitsWith(push, 0); // the receiver OKed every slice: the push itself succeeded
  });

  it('receive times out with a clear message when no sender answers', async () => {
    const r = env.lab.rackboot(2, ['receive', '--out', join(env.lab.dir, 'none.bin'), '--interface', env.lab.iface(2), '--port-base', '9100', '--timeout', '2']);
    expect(await r.exit).not.toBe(0);
    expect(r.output()).toMatch(/timeout: no sender answered within 2 s on port 9100/);
  });

  it('push --dolly reads the client list from a dolly.cfg', async () => {
    const cfg = join(env.lab.dir, 'dolly.cfg');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(cfg, `infile ${image}\noutfile /dev/sda2\nserver master\nfirstclient n1\nlastclient n2\nclients 2\nn1\nn2\nendconfig\n`);
    const outs = [1, 2].map((i) => join(env.lab.dir, `dolly${i}.bin`));
    const receivers = [1, 2].map((i) => env.lab.udpReceiver(i, outs[i - 1]!));
    const push = env.lab.rackboot(0, ['--db', env.dbFile, 'push', '--dolly', cfg, '--interface', env.lab.iface(0)]);
    await exitsWith(push, 0);
    for (const r of receivers) await exitsWith(r, 0);
    for (const o of outs) expect(sha256(o)).toBe(digest);
    expect(push.output()).toMatch(new RegExp(`push \\d+ done: .* → dolly:${cfg.replace(/[/.]/g, '\\$&')}`));
  });
});
