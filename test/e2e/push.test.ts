/**
 * Issue 6 end to end: a QEMU guest PXE-boots through `rackboot serve` with a profile that
 * names a push image, so its kernel command line carries rackboot.image / sha256 /
 * portbase / report. Its busybox initrd runs the stock `udp-receiver` (Debian's udpcast,
 * with its shared libraries copied in), which receives the image that `rackboot push`
 * multicasts from the server namespace; /init checks the sha256, reports up and powers
 * off. Asserts on the serial console, the push history and the node's boot events.
 */
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PUSH_MARKER } from '../../lab/lib/initrd.js';
import { LabSession } from '../../lab/lib/session.js';
import type { Service } from '../../lab/lib/service.js';
import { BIOS_STAGES, bootToPoweroff, expectRegisteredBoot, expectStagesInOrder, settledNode } from './lib/expect-boot.js';
import { pushHistory, startPush } from './lib/push.js';
import { setupOnce } from './lib/setup.js';

const HTTP_PORT = 8080;
const IMAGE_BYTES = 16 * 1024 * 1024 + 777; // not a multiple of the block size: the last slice is short

describe('rackboot pushes an image to a PXE-booted guest whose initrd runs the stock udp-receiver', () => {
  const N = { mac: '52:54:00:e2:04:01', ip: '10.79.6.51', hostname: 'e2e-push1', nodeId: 11 };
  let s: LabSession | undefined;
  let push: Service | undefined;
  let sha = '';
  let ok = false;

  const ready = setupOnce(async () => {
    s = await LabSession.open({ tag: 'rbtep', subnet: '10.79.6', guests: 1, httpPort: HTTP_PORT, ipxeScript: false, udpReceiver: true });
    const data = randomBytes(IMAGE_BYTES);
    sha = createHash('sha256').update(data).digest('hex');
    writeFileSync(join(s.files.imagesDir, 'rootfs.img'), data);
    s.cli('image', 'add', 'rootfs', 'rootfs.img', '--kind', 'disk');
    const common = ['--kernel', 'images/vmlinuz', '--initrd', 'images/initrd.gz', '--prompt', '0', '--timeout', '1'];
    s.cli('profile', 'add', 'diskless-push', ...common, '--args', 'console=ttyS0 panic=-1 rbprofile=diskless-push', '--push-image', 'rootfs');
    s.cli('node', 'add', '--mac', N.mac, '--hostname', N.hostname, '--ip', N.ip, '--node-id', String(N.nodeId), '--profile', 'diskless-push');
    await s.startServer();
    return s;
  });

  afterAll(async () => {
    await push?.stop();
    if (s && !ok) console.error(`e2e logs kept in ${s.workDir} (push.log: the sender's side)`);
    await s?.close(ok);
  });

  it('the guest receives the pushed image with udp-receiver, its sha256 matches, and the inventory shows push-joined → push-done → up and the push done for the node', async () => {
    const session = ready();
    // The sender first: by default it waits until every target node has joined.
    const started = await startPush(session, 'rootfs', N.hostname, ['--json', '--start-timeout', '300']);
    push = started.service;
    const t0 = Date.now();
    const g = session.boot({ name: 'push1', mac: N.mac, memoryMb: 512, timeoutMs: 300_000 });
    const serial = await bootToPoweroff(g, 300_000);

    // The serial console: the command line the profile rendered, the stock receiver's
    // result checked by sha256sum in the guest, and the report-back.
    expectRegisteredBoot(serial, N, g);
    const pushArgs = `rackboot.image=rootfs rackboot.sha256=${sha} rackboot.portbase=9000 rackboot.report=http://10.79.6.1:${HTTP_PORT}/report node_id=${N.nodeId}`;
    expect(serial, g.describe()).toContain(pushArgs);
    expect(serial, g.describe()).toContain(`rackboot-e2e: push receiving image=rootfs portbase=9000`);
    expect(serial, g.describe()).toContain(`rackboot-e2e: push udp-receiver exit=0 `);
    expect(serial, g.describe()).toContain(`${PUSH_MARKER} ok ${sha} bytes=${IMAGE_BYTES} image=rootfs\n`);
    expect(serial).not.toContain(`${PUSH_MARKER} bad`);
    expect(serial).toMatch(/rackboot-e2e: report ok url=http:\/\/10\.79\.6\.1:8080\/report\?detail=push-ok body=ok e2e-push1 up/);

    // The sender's side: the CLI exits 0 once every target is done.
    const exit = await Promise.race([push.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))]);
    expect(exit, push.output().slice(-3000)).toEqual({ code: 0, signal: null });
    const uptime = (re: RegExp): number => Number(re.exec(serial)?.[1] ?? NaN);
    const receiveS = uptime(/push udp-receiver exit=0 uptime=([\d.]+)/) - uptime(/push receiving image=\S+ portbase=\d+ uptime=([\d.]+)/);
    console.log(`push ${started.id}: ${IMAGE_BYTES} bytes; udp-receiver ran ${receiveS.toFixed(1)} s in the guest; push started → guest powered off in ${((Date.now() - t0) / 1000).toFixed(1)} s (${g.accel})`);

    // The history: the push is done and the node is done with every byte confirmed.
    const history = pushHistory(session.files.configFile, session.files.database, started.id);
    expect(history.push).toMatchObject({ id: started.id, image: 'rootfs', size: IMAGE_BYTES, sha256: sha, target: N.hostname, state: 'done', portBase: 9000 });
    expect(history.push.finishedAt).not.toBeNull();
    expect(history.receivers).toEqual([expect.objectContaining({ hostname: N.hostname, ip: N.ip, state: 'done', bytesConfirmed: IMAGE_BYTES })]);
    expect(history.text).toContain(`push ${started.id} done: rootfs → ${N.hostname}`);
    expect(history.text).toMatch(new RegExp(`^${N.hostname}\\s+${N.ip.replace(/\./g, '\\.')}\\s+done\\s+\\d+\\s+${IMAGE_BYTES}\\b`, 'm'));

    // The node's boot events: the usual boot, then the push, then the report-back.
    const pushStages = [...BIOS_STAGES.slice(0, -1), 'push-joined', 'push-done', 'up'];
    const node = await settledNode(session.files.configFile, N.hostname, pushStages);
    expectStagesInOrder(node, pushStages);
    expect(node.events.find((e) => e.stage === 'push-joined')?.detail).toBe(`push ${started.id}`);
    expect(node.events.find((e) => e.stage === 'push-done')?.detail).toBe(`push ${started.id}`);
    expect(node.events.findLast((e) => e.stage === 'up')?.detail).toBe('push-ok');
    ok = true;
  });
});
