import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { constants } from 'node:os';
import { DirectSend, EAGAIN } from '../net/udp-native.js';

export type PacketHandler = (buf: Buffer, from: RemoteInfo) => void;

/**
 * The sockets of one DHCP port. Broadcasts (255.255.255.255:67) reach only a socket bound to
 * the wildcard address, so `listen` is bound there. Node cannot choose the outgoing interface
 * per packet (no SO_BINDTODEVICE, no IP_PKTINFO), so replies go out of a second socket bound to
 * the provisioning interface's own address: Linux routes a limited broadcast sent from a
 * socket bound to an interface address out of that interface. Both sockets share the port
 * with SO_REUSEADDR and both feed the handler (unicasts to our address arrive on the second).
 */
export interface PortSockets {
  /** Fire and forget, never throws: a failure goes to openPort's `onSendError` (one shared callback, no promise per packet). */
  send(buf: Uint8Array, port: number, address: string): void;
  close(): Promise<void>;
}

/**
 * Replies go to dotted quads only; answering the lookup synchronously skips dgram's
 * dns.lookup round (a nextTick per packet, ~7 % of the server's CPU under load).
 */
const literalOnly = (host: string, _opts: unknown, cb: (err: Error | null, address: string, family: number) => void): void => cb(null, host, 4);

function bind(address: string, port: number, onMessage: PacketHandler, onError: (e: Error) => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket({ type: 'udp4', reuseAddr: true, lookup: literalOnly });
    s.once('error', reject);
    s.bind({ address, port, exclusive: true }, () => {
      s.off('error', reject);
      s.on('error', onError);
      s.setBroadcast(true);
      s.on('message', onMessage);
      resolve(s);
    });
  });
}

export async function openPort(opts: {
  listenAddress: string;
  serverAddress: string;
  port: number;
  onMessage: PacketHandler;
  onError: (e: Error) => void;
  /** A reply could not be sent (the error carries the destination as `address` and `port`). */
  onSendError: (e: Error & { address?: string; port?: number }) => void;
  /** Send through native/udp_gso.node when it is built (default); false: always Node's send. */
  direct?: boolean;
}): Promise<PortSockets> {
  const listen = await bind(opts.listenAddress, opts.port, opts.onMessage, opts.onError);
  let out = listen;
  if (opts.listenAddress === '0.0.0.0' && opts.serverAddress !== '0.0.0.0') {
    try {
      out = await bind(opts.serverAddress, opts.port, opts.onMessage, opts.onError);
    } catch (e) {
      listen.close();
      throw e;
    }
  }
  const sockets = out === listen ? [listen] : [listen, out];
  const sent = (err: Error | null): void => {
    if (err) opts.onSendError(err);
  };
  // Straight to sendto(2) when native/udp_gso.node is built; Node's send when the socket
  // buffer is full (it queues and waits for room) or while it still holds queued datagrams.
  const direct = opts.direct === false ? null : DirectSend.for(out);
  return {
    send: (buf, port, address) => {
      try {
        if (direct && out.getSendQueueCount() === 0) {
          const n = direct.send(buf, port, address);
          if (n >= 0) return;
          if (n !== -EAGAIN) return opts.onSendError(Object.assign(new Error(`send ${address}:${port}: ${errnoName(-n)}`), { address, port }));
        }
        out.send(buf, port, address, sent);
      } catch (e) {
        // A closed socket or a bad destination: never thrown into the commit loop (the other
        // ACKs of the batch still go out).
        opts.onSendError(Object.assign(e as Error, { address, port }));
      }
    },
    close: async () => {
      await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}

const errnoName = (errno: number): string => Object.entries(constants.errno).find(([, v]) => v === errno)?.[0] ?? `errno ${errno}`;
