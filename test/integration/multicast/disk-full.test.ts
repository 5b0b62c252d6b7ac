import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, NetLab, exitsWith, requireTools, sha256 } from './netlab.js';
import { labInventory } from './inventory.js';

/**
 * `rackboot receive` into a filesystem that fills up mid-push (a 1 MiB tmpfs mounted in
 * the receiver's own mount namespace by unshare, so nothing is left mounted): it exits
 * non-zero with the write error, removes its temporary .part file, and the other
 * receiver of the push still gets the image.
 */
describe('rackboot receive on a full disk', () => {
  let lab: NetLab;
  let db: Database;
  let dbFile: string;

  beforeAll(() => {
    requireTools('ip', 'unshare', 'mount');
    lab = new NetLab('f', 4, 3);
    ({ db, file: dbFile } = labInventory(lab, [1, 2], 'f'));
  });
  afterAll(() => {
    db?.close();
    lab?.cleanup();
  });

  it('exits with ENOSPC, leaves no .part file, and the push goes on for the other receiver', async () => {
    const image = lab.file('image.bin', 4 * 1024 * 1024);
    const digest = sha256(image);
    const full = join(lab.dir, 'full');
    const ok = join(lab.dir, 'ok.bin');
    const script = [
      `mkdir -p ${full} && mount -t tmpfs -o size=1m rbtmf ${full} || exit 99`,
      `"${process.execPath}" ${BIN} receive --out ${full}/image.bin --interface ${lab.iface(1)} --timeout 30`,
      'rc=$?',
      `echo "left in the filesystem: [$(ls -A ${full})]"`,
      'exit $rc',
    ].join('\n');
    const filling = lab.spawn(1, 'unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script]);
    const other = lab.rackboot(2, ['receive', '--out', ok, '--sha256', digest, '--interface', lab.iface(2), '--timeout', '30']);
    const push = lab.rackboot(0, ['--db', dbFile, 'push', image, '--to', 'rack:f', '--drop-after', '2', '--max-bitrate', '200m', '--interface', lab.iface(0), '--json']);

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
    expect(byIp).toEqual({ [lab.ip(1)]: 'dropped', [lab.ip(2)]: 'done' });
  });
});
