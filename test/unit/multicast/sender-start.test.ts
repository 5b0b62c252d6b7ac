import { createSocket, type Socket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/errors.js';
import { loopbackPushManager } from '../../helpers/push-manager.js';

const bind = (address: string, port: number): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(port, address, () => resolve(s));
  });

describe('UdpcastSender.start: a push that cannot open', () => {
  it('leaves none of its sockets bound when the last bind fails (the broadcast one, on lo 127.255.255.255)', async () => {
    const { manager, image, portBase, done } = loopbackPushManager(42_000);
    // Another sender on this port base holds the broadcast address: the push binds its two
    // sockets on 127.0.0.1 (SO_REUSEADDR), then fails on the third.
    const blocker = await bind('127.255.255.255', portBase + 1);
    try {
      await expect(manager.start([{ nodeId: null, hostname: null, ip: '127.0.0.9' }], image, { maxBitrate: null })).rejects.toThrow(ConflictError);
      // Nothing of the failed push is left on 127.0.0.1:P+1 (a leftover would take receivers' answers).
      const probe = await bind('127.0.0.1', portBase + 1);
      probe.close();
    } finally {
      blocker.close();
      await done();
    }
  });
});
