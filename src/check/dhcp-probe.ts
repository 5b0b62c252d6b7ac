import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { buildDiscover, parseAnswer, type DhcpAnswer } from './dhcp-servers.js';

export interface ProbeOptions {
  /** The provisioning interface's own IPv4 address: the sending socket is bound to it. */
  address: string;
  /** chaddr of the DISCOVER (the interface's MAC). */
  mac: string;
  /** How long to listen for answers, in ms. */
  waitMs: number;
  /** DHCP ports (67/68, overridable for tests). */
  serverPort?: number;
  clientPort?: number;
}

function bind(address: string, port: number, onMessage: (buf: Buffer, from: string) => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket({ type: 'udp4', reuseAddr: true });
    s.once('error', reject);
    s.bind({ address, port }, () => {
      s.off('error', reject);
      s.on('error', () => undefined); // an ICMP error on a later datagram: the probe just hears less
      s.setBroadcast(true);
      s.on('message', (buf, rinfo) => onMessage(buf, rinfo.address));
      resolve(s);
    });
  });
}

/**
 * Broadcast a PXE DHCPDISCOVER on the provisioning segment and collect every answer for
 * `waitMs`. As the DHCP server does (src/dhcp/listener.ts), replies broadcast to
 * 255.255.255.255:68 reach only a wildcard socket, and a broadcast sent from a socket bound
 * to the interface's address leaves through that interface. The DISCOVER goes out twice
 * (at 0 and half the wait), as a ROM retries, in case the first is lost. Nothing is
 * requested: an OFFER holds no lease, so no server keeps anything from the probe.
 */
export async function probeDhcpServers(o: ProbeOptions): Promise<DhcpAnswer[]> {
  const serverPort = o.serverPort ?? 67;
  const clientPort = o.clientPort ?? 68;
  const xid = randomBytes(4).readUInt32BE(0);
  const answers: DhcpAnswer[] = [];
  const onMessage = (buf: Buffer, from: string): void => {
    const a = parseAnswer(buf, from, xid, o.mac);
    if (a) answers.push(a);
  };
  const sockets: Socket[] = [];
  try {
    sockets.push(await bind('0.0.0.0', clientPort, onMessage));
    sockets.push(await bind(o.address, clientPort, onMessage));
    const out = sockets[1]!;
    const discover = buildDiscover(o.mac, xid, randomBytes(16));
    const send = (): Promise<void> => new Promise((resolve, reject) => out.send(discover, serverPort, '255.255.255.255', (e) => (e ? reject(e) : resolve())));
    await send();
    await new Promise((r) => setTimeout(r, o.waitMs / 2));
    await send().catch(() => undefined); // the first went out: a failing retry changes nothing
    await new Promise((r) => setTimeout(r, o.waitMs / 2));
  } finally {
    await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
  return answers;
}
