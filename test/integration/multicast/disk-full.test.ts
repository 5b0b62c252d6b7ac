import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, exitsWith, sha256 } from './netlab.js';
import { pushLabSuite } from './inventory.js';

/**
 * `rackboot receive` into a filesystem that fills up mid-push (a 1 MiB tmpfs mounted in
 * the receiver's own mount namespace by unshare, so nothing is left mounted): it exits
 * non-zero with the write error, removes its temporary .part file, and the other
 * receiver of the push still gets the image.
 */
describe('rackboot receive on a full disk', () => {
  const env = pushLabSuite({ tools: ['ip', 'unshare', 'mount'], tag: 'f', subnet: 4, hosts: 3, targets: [1, 2], rack: 'f' });

  it('exits with ENOSPC, leaves no .part file, and the push goes on for the other receiver', async () => {
    const image = env.lab.file('image.bin', 4 * 1024 * 1024);
    const digest = sha256(image);
    const full = join(env.lab.dir, 'full');
    const ok = join(env.lab.dir, 'ok.bin');
    const script = [
      `mkdir -p ${full} && mount -t tmpfs -o size=1m rbtmf ${full} || exit 99`,
      `"${process.execPath}" ${BIN} receive --out ${full}/image.bin --interface ${env.lab.iface(1)} --timeout 30`,
      'rc=$?',
      `echo "left in the filesystem: [$(ls -A ${full})]"`,
      'exit $rc',
    ].join('\n');
    const filling = env.lab.spawn(1, 'unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script]);
    const other = env.lab.rackboot(2, ['receive', '--out', ok, '--sha256', digest, '--interface', env.lab.iface(2), '--timeout', '30']);
    const push = env.lab.rackboot(0, ['--db', env.dbFile, 'push', image, '--to', 'rack:f', '--drop-after', '2', '--max-bitrate', '200m', '--interface', env.lab.iface(0), '--json']);

    const code = await filling.exit;
    expect(code, filling.output()).not.toBe(0);
    expect(code, filling.output()).not.toBe(99);
    expect(filling.output()).toMatch(/cannot write .*\/full\/\.image\.bin\.rackboot-\d+\.part at byte \d+: ENOSPC/);
    expect(filling.output()).toContain('left in the filesystem: []');
    await exitsWith(other, 0);
    expect(sha256(ok)).toBe(digest);
    expect(await push.exit).toBe(1); // one target did not receive the image
    const result = JSON.parse(push.output().slice(push.output().indexOf('{')));
    const byIp = Object.fromEntries(result.receivers.map((r: { ip: string; state: string }) => [r.ip, r.state]));
    expect(byIp).toEqual({ [env.lab.ip(1)]: 'dropped', [env.lab.ip(2)]: 'done' });
  });
});
