import { createSocket, type Socket } from 'node:dgram';
import { DecodeError } from '../errors.js';
import { hexDump, type Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { DEFAULT_CAPABILITIES, decode, encode, newBitmap, bitIsSet, type ReceiverMessage, type SenderMessage } from '../wire/udpcast/index.js';
import { Output, ReceiveError } from './output.js';
import { checkConnectReply } from './receiver-checks.js';
import { SliceWindow } from './receiver-slices.js';

export interface ReceiveOptions {
  out: string;
  sha256: string | null;
  portBase: number;
  ip: string;
  broadcast: string;
  /** Give up after this long without a CONNECT_REPLY, or without traffic once connected. */
  timeoutMs: number;
  log: Logger;
  metrics: Metrics;
  onProgress?: (bytes: number) => void;
}

export interface ReceiveResult {
  bytes: number;
  sha256: string;
  sender: string;
  client: number;
}

/** udp-receiver lingers this long after OKing the end slice, answering repeats, then DISCONNECTs. */
const LINGER_MS = 500;

/**
 * A udpcast receiver, interoperable with the stock udp-sender: CONNECT_REQ broadcast to
 * P+1 until a CONNECT_REPLY, then DATA into a window of slices written in order, OK or
 * RETRANSMIT (map of blocks received) for each REQACK, DISCONNECT after the end slice.
 */
export function receive(o: ReceiveOptions): Promise<ReceiveResult> {
  return new Promise((resolve, reject) => {
    const sock: Socket = createSocket({ type: 'udp4', reuseAddr: true });
    let output: Output | null = null;
    let sender: { ip: string; port: number } | null = null;
    let client = -1;
    let window: SliceWindow | null = null;
    let ended = false;
    let settled = false;
    let lastHeard = Date.now();
    /** Why the last CONNECT_REPLY was not usable, for the timeout message. */
    let rejected: string | null = null;
    const send = (m: ReceiverMessage, ip: string, port: number) => sock.send(encode(m), port, ip);
    const connectReq = (ip: string) => send({ op: 'connect-req', capabilities: DEFAULT_CAPABILITIES, rcvbuf: 212992 }, ip, o.portBase + 1);

    const finish = (err: Error | null, result?: ReceiveResult) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      sock.close();
      if (err) {
        output?.discard();
        reject(err);
      } else resolve(result!);
    };
    const timer = setInterval(() => {
      if (ended) return;
      if (Date.now() - lastHeard > o.timeoutMs) {
        finish(
          new ReceiveError(
            'timeout',
            sender ? `timeout: no data from the sender ${sender.ip} for ${o.timeoutMs / 1000} s`
            : rejected ? `timeout: no usable sender answered within ${o.timeoutMs / 1000} s on port ${o.portBase} (${rejected})`
            : `timeout: no sender answered within ${o.timeoutMs / 1000} s on port ${o.portBase}`,
          ),
        );
      } else if (!sender) connectReq(o.broadcast);
    }, 1000);

    const onSenderMessage = (m: SenderMessage, ip: string, port: number) => {
      if (!sender) {
        if (m.op === 'hello') connectReq(ip);
        if (m.op !== 'connect-reply') return;
        if (m.client < 0) return finish(new ReceiveError('refused', `refused by the sender at ${ip}: this host is not a target of the push (client number −1)`));
        // Checked before anything is sized or joined from it; a bad reply is dropped and
        // counted like a malformed datagram (a real sender may still answer).
        const check = checkConnectReply(m, o);
        if (!check.ok) {
          rejected = `CONNECT_REPLY from ${ip} ignored: ${check.problem}`;
          o.metrics.malformed.inc({ protocol: 'udpcast' });
          o.log.warn({ from: `${ip}:${port}`, group: m.group, blockSize: m.blockSize }, `udpcast: ${rejected}`);
          return;
        }
        if (check.join) {
          try {
            sock.addMembership(m.group, o.ip);
          } catch (e) {
            return finish(new ReceiveError('io', `cannot join the data group ${m.group} announced by ${ip} on ${o.ip}: ${(e as Error).message}`));
          }
        }
        sender = { ip, port };
        client = m.client;
        window = new SliceWindow(m.blockSize);
        output = new Output(o.out); // throws ReceiveError('io'): finished by the message handler
        o.log.info({ sender: ip, client, group: m.group }, 'udpcast: connected');
        return;
      }
      if (ip !== sender.ip || port !== sender.port) return;
      lastHeard = Date.now();
      if (m.op === 'data') {
        window!.get(m.slice, m.bytes)?.put(m.block, m.payload);
        writeReady();
      } else if (m.op === 'reqack') onReqack(m);
    };

    let eof = false; // the zero-byte end slice has been reached, after every other slice
    const writeReady = () => {
      for (const s of window!.drain()) {
        if (s.bytes === 0) eof = true;
        output!.write(s.data);
        o.onProgress?.(output!.bytes);
      }
    };

    const onReqack = (m: Extract<SenderMessage, { op: 'reqack' }>) => {
      if (bitIsSet(m.readySet, client)) return;
      const w = window!;
      if (m.slice >= w.next) {
        const s = w.get(m.slice, m.bytes);
        if (!s) return; // too far ahead; the sender will ask again
        writeReady();
        if (m.slice >= w.next) {
          const received = newBitmap();
          received.set(s.received);
          return send({ op: 'retransmit', slice: m.slice, round: m.round, received }, sender!.ip, sender!.port);
        }
      }
      send({ op: 'ok', slice: m.slice }, sender!.ip, sender!.port);
      if (eof && !ended) endTransfer();
    };

    const endTransfer = () => {
      ended = true;
      let outcome: { error: Error } | { result: ReceiveResult };
      try {
        const digest = output!.commit(o.sha256);
        outcome = { result: { bytes: output!.bytes, sha256: digest, sender: sender!.ip, client } };
      } catch (e) {
        output = null;
        outcome = { error: e as Error };
      }
      // Like udp-receiver: keep answering repeated end REQACKs for a while, then DISCONNECT.
      setTimeout(() => {
        if (settled) return; // the socket failed meanwhile
        send({ op: 'disconnect' }, sender!.ip, sender!.port);
        setTimeout(() => ('error' in outcome ? finish(outcome.error) : finish(null, outcome.result)), 20);
      }, LINGER_MS);
    };

    sock.on('message', (buf, rinfo) => {
      if (rinfo.port !== o.portBase + 1) return; // udp-receiver only listens to P+1 sources
      let m;
      try {
        m = decode(buf);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        o.metrics.malformed.inc({ protocol: 'udpcast' });
        o.log.warn({ from: `${rinfo.address}:${rinfo.port}`, hex: hexDump(buf) }, `udpcast: malformed datagram: ${e.message}`);
        return;
      }
      if (!['hello', 'connect-reply', 'data', 'reqack'].includes(m.op)) return;
      // Nothing may throw out of a socket handler: a write error (ENOSPC, EIO) or any
      // surprise ends the receive with a ReceiveError, and the temporary file goes.
      try {
        onSenderMessage(m as SenderMessage, rinfo.address, rinfo.port);
      } catch (e) {
        finish(e instanceof ReceiveError ? e : new ReceiveError('aborted', `udpcast receiver: ${(e as Error).message}`));
      }
    });
    sock.on('error', (e) => finish(new ReceiveError('io', `udpcast receiver socket: ${e.message}`)));
    sock.bind(o.portBase, () => {
      sock.setBroadcast(true);
      try {
        sock.setRecvBufferSize(8 * 1024 * 1024);
      } catch {
        // capped by net.core.rmem_max
      }
      connectReq(o.broadcast);
    });
  });
}
