import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { openPort } from '../../../src/dhcp/listener.js';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });

describe('openPort (the DHCP server sockets)', () => {
  for (const direct of [true, false]) {
    it(`sends replies (${direct ? 'straight to sendto' : "through Node's send"}) and never throws, even after close`, async () => {
      const rx = createSocket('udp4');
      await new Promise<void>((r) => rx.bind(0, '127.0.0.1', () => r()));
      const got = new Promise<Buffer>((r) => rx.once('message', (m) => r(m)));
      const errors: Array<Error & { address?: string; port?: number }> = [];
      const port = await openPort({ listenAddress: '127.0.0.1', serverAddress: '127.0.0.1', port: await freePort(), onMessage: () => {}, onError: () => {}, onSendError: (e) => errors.push(e), direct });
      port.send(Uint8Array.of(1, 2, 3), rx.address().port, '127.0.0.1');
      expect([...(await got)]).toEqual([1, 2, 3]);
      await port.close();
      expect(() => port.send(Uint8Array.of(4), rx.address().port, '127.0.0.1')).not.toThrow();
      await new Promise((r) => setTimeout(r, 20));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ address: '127.0.0.1', port: rx.address().port });
      rx.close();
    });
  }
});
