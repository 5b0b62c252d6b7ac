import { createSocket, type Socket } from 'node:dgram';
import { constants } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectSend, EAGAIN, loadUdpAddon, socketFd } from '../../../src/net/udp-native.js';

const opened: Socket[] = [];
const udp = (bind = true): Promise<Socket> =>
  new Promise((resolve) => {
    const s = createSocket('udp4');
    opened.push(s);
    if (bind) s.bind(0, '127.0.0.1', () => resolve(s));
    else resolve(s);
  });
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

describe('DirectSend (native/udp_gso.c sendTo)', () => {
  it('is built here and sends one datagram to an address and port, like Node would', async () => {
    expect(loadUdpAddon(), 'native/udp_gso.node is missing: npm ci runs native/build.sh (needs cc and Node headers)').not.toBeNull();
    const rx = await udp();
    const got = new Promise<{ m: Buffer; from: number }>((r) => rx.once('message', (m, info) => r({ m, from: info.port })));
    const tx = await udp();
    const direct = DirectSend.for(tx)!;
    const data = Uint8Array.from({ length: 300 }, (_, i) => i & 255);
    expect(direct.send(data, rx.address().port, '127.0.0.1')).toBe(300);
    const { m, from } = await got;
    expect(Buffer.compare(m, Buffer.from(data))).toBe(0);
    expect(from).toBe(tx.address().port); // from the socket's own address and port
  });

  it('returns -errno instead of throwing: a broadcast without SO_BROADCAST is EACCES', async () => {
    const tx = await udp();
    expect(EAGAIN).toBe(constants.errno.EAGAIN);
    expect(DirectSend.for(tx)!.send(new Uint8Array(10), 68, '255.255.255.255')).toBe(-constants.errno.EACCES);
  });

  it('refuses what is not a dotted quad or a port', async () => {
    const tx = await udp();
    const d = DirectSend.for(tx)!;
    expect(() => d.send(new Uint8Array(1), 67, 'example.org')).toThrow(/dotted quad/);
    expect(() => d.send(new Uint8Array(1), 67, '1.2.3.4.5.6.7.8.9.10.11.12')).toThrow(/dotted quad/);
    expect(() => d.send(new Uint8Array(1), 0, '127.0.0.1')).toThrow(/port/);
  });

  it('has no fd (so no DirectSend) for a socket that is not bound yet', async () => {
    const s = await udp(false);
    expect(socketFd(s)).toBeNull();
    expect(DirectSend.for(s)).toBeNull();
  });
});
