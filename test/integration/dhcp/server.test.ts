import { createSocket, type Socket } from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dhcpConfigSchema } from '../../../src/dhcp/config.js';
import { startDhcpServer, type DhcpServer } from '../../../src/dhcp/server.js';
import { silentLogger } from '../../../src/log.js';
import { Metrics } from '../../../src/metrics.js';
import { MessageType, Opt, decodePacket, encodePacket, option, read, type DhcpPacket } from '../../../src/wire/dhcp/index.js';
import { fakeBackend, node, request, requested, serverId, tempDb } from '../../unit/dhcp/fakes.js';

/**
 * The server in-process on loopback with real UDP sockets and a real SQLite file: relayed
 * exchanges (the test is the relay at 127.0.0.2), metrics, a dry pool, malformed input.
 * Ports are unprivileged so this does not touch 67/68.
 */
const PORT = 16767 + (process.pid % 500) * 2;
let t: ReturnType<typeof tempDb>;
let server: DhcpServer;
let relay: Socket;
let metrics: Metrics;
let discovered: ReturnType<typeof fakeBackend>['discovered'];
const replies: DhcpPacket[] = [];

async function start(extra: object = {}) {
  metrics = new Metrics();
  const fb = fakeBackend([node('52:54:00:00:00:01', 'n1', { ip: '10.5.0.11' })]);
  const backend = fb.backend;
  discovered = fb.discovered;
  server = await startDhcpServer({
    config: dhcpConfigSchema.parse({
      mode: 'full', listenAddress: '127.0.0.1', serverPort: PORT, clientPort: PORT + 1,
      subnets: [{ network: '10.5.0.0/24', pools: [{ start: '10.5.0.100', end: '10.5.0.101' }], relays: ['127.0.0.2'] }],
      ...extra,
    }),
    db: t.db, backend, serverAddress: '127.0.0.1', ipxeScriptUrl: () => 'http://x/', logger: silentLogger(), metrics,
  });
}

const counter = async (name: string, labels: Record<string, string>): Promise<number> => {
  const m = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
  const v = (m?.values as Array<{ value: number; labels: Record<string, string> }> | undefined)?.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
  return v?.value ?? 0;
};

function relayed(type: number, mac: string, opts = [] as DhcpPacket['options']): DhcpPacket {
  return request(type, mac, opts, { giaddr: '127.0.0.2', hops: 1 });
}

/** Wait until a counter reaches `n` (packets without a reply). */
async function counted(labels: Record<string, string>, n: number, timeoutMs = 1000): Promise<number> {
  const end = Date.now() + timeoutMs;
  let v = 0;
  while ((v = await counter('rackboot_dhcp_packets_total', labels)) < n && Date.now() < end) await new Promise((res) => setTimeout(res, 5));
  return v;
}

async function exchange(p: DhcpPacket, timeoutMs = 500): Promise<DhcpPacket | undefined> {
  const before = replies.length;
  relay.send(encodePacket(p), PORT, '127.0.0.1');
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const r = replies.slice(before).find((x) => x.xid === p.xid);
    if (r) return r;
    await new Promise((res) => setTimeout(res, 5));
  }
  return undefined;
}

beforeEach(async () => {
  t = tempDb();
  replies.length = 0;
  relay = createSocket('udp4');
  relay.on('message', (b) => replies.push(decodePacket(b)));
  await new Promise<void>((r) => relay.bind(PORT, '127.0.0.2', () => r()));
});

afterEach(async () => {
  await server?.close();
  relay.close();
  t.cleanup();
});

describe('startDhcpServer over loopback', () => {
  it('answers a relayed DISCOVER/REQUEST at the relay, persists the lease and counts packets', async () => {
    await start();
    const offer = await exchange(relayed(MessageType.DISCOVER, '52:54:00:00:00:01'));
    expect(offer && read.messageType(offer)).toBe(MessageType.OFFER);
    expect(offer!.yiaddr).toBe('10.5.0.11');
    const ack = await exchange({ ...relayed(MessageType.REQUEST, '52:54:00:00:00:01', [requested('10.5.0.11'), serverId('127.0.0.1')]), xid: offer!.xid });
    expect(ack && read.messageType(ack)).toBe(MessageType.ACK);
    expect(t.db.prepare('SELECT state FROM leases WHERE ip = ?').get('10.5.0.11')).toEqual({ state: 'bound' });
    expect(await counter('rackboot_dhcp_packets_total', { type: 'discover', outcome: 'offer' })).toBe(1);
    expect(await counter('rackboot_dhcp_packets_total', { type: 'request', outcome: 'ack' })).toBe(1);
  });

  it('an ACK held for a grouped commit is not sent before its lease row is in SQLite; close() commits and sends it', async () => {
    await start({ flushMilliseconds: 300 });
    const offer = await exchange(relayed(MessageType.DISCOVER, '52:54:00:00:00:01'));
    expect(offer && read.messageType(offer)).toBe(MessageType.OFFER);
    const req = { ...relayed(MessageType.REQUEST, '52:54:00:00:00:01', [requested('10.5.0.11'), serverId('127.0.0.1')]), xid: offer!.xid };
    expect(await exchange(req, 100)).toBeUndefined(); // held: the commit waits 300 ms
    expect(t.db.prepare('SELECT state FROM leases WHERE ip = ?').get('10.5.0.11')).toBeUndefined();
    await server.close();
    expect(t.db.prepare('SELECT state FROM leases WHERE ip = ?').get('10.5.0.11')).toEqual({ state: 'bound' });
    const end = Date.now() + 500;
    while (!replies.some((r) => r.xid === req.xid && read.messageType(r) === MessageType.ACK) && Date.now() < end) await new Promise((res) => setTimeout(res, 5));
    expect(replies.some((r) => r.xid === req.xid && read.messageType(r) === MessageType.ACK)).toBe(true);
    server = undefined as unknown as DhcpServer;
  });

  it('drops and counts malformed packets, then keeps serving', async () => {
    await start();
    relay.send(Buffer.from('0101060012345678', 'hex'), PORT, '127.0.0.1');
    const bad = encodePacket(relayed(MessageType.DISCOVER, '52:54:00:00:00:09'));
    bad[240 + 3] = 0x0c; // an option after 53 whose length runs past the end
    bad[240 + 4] = 0xff;
    relay.send(bad, PORT, '127.0.0.1');
    const ok = await exchange(relayed(MessageType.DISCOVER, '52:54:00:00:00:0a'));
    expect(ok?.yiaddr).toBe('10.5.0.100');
    expect(await counter('rackboot_malformed_packets_total', { protocol: 'dhcp' })).toBe(2);
  });

  it('a dry pool: no offer, a counter, and the server still answers others at once', async () => {
    await start();
    for (const m of ['a1', 'a2']) expect((await exchange(relayed(MessageType.DISCOVER, `52:54:00:00:00:${m}`)))?.yiaddr).toMatch(/^10\.5\.0\.10[01]$/);
    const t0 = Date.now();
    expect(await exchange(relayed(MessageType.DISCOVER, '52:54:00:00:00:a3'), 300)).toBeUndefined();
    expect(await counter('rackboot_dhcp_packets_total', { type: 'discover', outcome: 'pool_exhausted' })).toBe(1);
    const fixed = await exchange(relayed(MessageType.DISCOVER, '52:54:00:00:00:01'));
    expect(fixed?.yiaddr).toBe('10.5.0.11');
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a spoofed DECLINE for a bound address is counted as decline_ignored and the owner still renews', async () => {
    await start({ authoritative: true });
    const owner = '52:54:00:00:00:c1';
    const offer = await exchange(relayed(MessageType.DISCOVER, owner));
    const ip = offer!.yiaddr;
    const ack = await exchange({ ...relayed(MessageType.REQUEST, owner, [requested(ip), serverId('127.0.0.1')]), xid: offer!.xid });
    expect(ack && read.messageType(ack)).toBe(MessageType.ACK);
    relay.send(encodePacket(relayed(MessageType.DECLINE, '52:54:00:00:00:c2', [requested(ip), serverId('127.0.0.1')])), PORT, '127.0.0.1');
    expect(await counted({ type: 'decline', outcome: 'decline_ignored' }, 1)).toBe(1);
    expect(t.db.prepare('SELECT mac, state FROM leases WHERE ip = ?').get(ip)).toEqual({ mac: owner, state: 'bound' });
    const renew = await exchange(relayed(MessageType.REQUEST, owner, [requested(ip)]));
    expect(renew && read.messageType(renew)).toBe(MessageType.ACK);
    // The owner's own DECLINE is acted on.
    relay.send(encodePacket(relayed(MessageType.DECLINE, owner, [requested(ip), serverId('127.0.0.1')])), PORT, '127.0.0.1');
    expect(await counted({ type: 'decline', outcome: 'declined' }, 1)).toBe(1);
  });

  it('repeated PXE DISCOVERs from one unknown MAC are recorded as discovered once', async () => {
    await start();
    const pxe = option.text(Opt.VENDOR_CLASS, 'PXEClient:Arch:00000:UNDI:002001');
    for (let i = 0; i < 5; i++) expect(await exchange(relayed(MessageType.DISCOVER, '52:54:00:00:00:d1', [pxe]))).toBeDefined();
    expect(await exchange(relayed(MessageType.DISCOVER, '52:54:00:00:00:d2', [pxe]))).toBeDefined();
    expect(discovered.map((d) => d.mac)).toEqual(['52:54:00:00:00:d1', '52:54:00:00:00:d2']);
  });

  it('a NAK to a relay carries the broadcast flag', async () => {
    await start({ authoritative: true });
    const nak = await exchange(relayed(MessageType.REQUEST, '52:54:00:00:00:b1', [requested('192.168.1.1')]));
    expect(nak && read.messageType(nak)).toBe(MessageType.NAK);
    expect(nak!.flags & 0x8000).toBe(0x8000);
    expect(read.text(nak!, Opt.MESSAGE)).toBe('wrong network');
    void option;
  });
});
