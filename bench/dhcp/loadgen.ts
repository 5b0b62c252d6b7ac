/**
 * Relay-agent load generator: acts as a DHCP relay at `giaddr` (binds giaddr:67, where
 * servers send relayed replies) and runs full DISCOVER → OFFER → REQUEST → ACK exchanges,
 * each with a fresh random MAC. Prints one JSON object with the results of each phase.
 *
 *   node dist/bench/dhcp/loadgen.js <server> <giaddr> <phases JSON>
 *   phases: [{ "name": "p99", "outstanding": 1, "exchanges": 2000, "maxSeconds": 60 }, …]
 */
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { MessageType, Opt } from '../../src/wire/dhcp/codes.js';
import { decodePacket, encodePacket, type DhcpPacket } from '../../src/wire/dhcp/packet.js';
import { option, read } from '../../src/wire/dhcp/accessors.js';
import { formatMac } from '../../src/wire/dhcp/ip.js';

interface Phase {
  name: string;
  outstanding: number;
  exchanges: number;
  maxSeconds: number;
  /** Report throughput per window of this many exchanges (lease-table growth). */
  window?: number;
}

interface Pending {
  resolve: (p: DhcpPacket | null) => void;
  timer: NodeJS.Timeout;
}

const [server, giaddr, phasesJson] = process.argv.slice(2);
if (!server || !giaddr || !phasesJson) {
  process.stderr.write('usage: loadgen.js <server> <giaddr> <phases JSON>\n');
  process.exit(2);
}
const TIMEOUT_MS = 4000;
const sock = createSocket({ type: 'udp4', reuseAddr: true });
const pending = new Map<number, Pending>();
/** Every address handed to a MAC in this run (offered or acked): leases are 1 h, nobody releases. */
const owner = new Map<string, string>();
const totals = { naks: 0, duplicateOffers: 0, duplicateAcks: 0, timeouts: 0, wrongAck: 0 };

sock.on('message', (buf) => {
  let p: DhcpPacket;
  try {
    p = decodePacket(buf);
  } catch {
    return;
  }
  const w = pending.get(p.xid);
  if (!w) return;
  pending.delete(p.xid);
  clearTimeout(w.timer);
  w.resolve(p);
});

function ask(p: DhcpPacket): Promise<DhcpPacket | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      pending.delete(p.xid);
      resolve(null);
    }, TIMEOUT_MS);
    pending.set(p.xid, { resolve, timer });
    sock.send(encodePacket(p), 67, server!);
  });
}

function packet(type: number, chaddr: Uint8Array, xid: number, extra: DhcpPacket['options'] = []): DhcpPacket {
  return {
    op: 1, htype: 1, hlen: 6, hops: 1, xid, secs: 0, flags: 0,
    ciaddr: '0.0.0.0', yiaddr: '0.0.0.0', siaddr: '0.0.0.0', giaddr: giaddr!, chaddr, sname: '', file: '',
    options: [option.messageType(type), ...extra],
  };
}

/** One full exchange; true when ACKed. */
async function exchange(): Promise<boolean> {
  const chaddr = new Uint8Array(16);
  chaddr.set(randomBytes(6));
  chaddr[0] = (chaddr[0]! & 0xfe) | 0x02; // locally administered unicast
  const mac = formatMac(chaddr);
  const xid = randomBytes(4).readUInt32BE(0);
  const t0 = performance.now();
  const offer = await ask(packet(MessageType.DISCOVER, chaddr, xid, [option.u16(Opt.MAX_MESSAGE_SIZE, 1500)]));
  const t1 = performance.now();
  if (!offer) return void totals.timeouts++, false;
  if (read.messageType(offer) !== MessageType.OFFER) return void totals.naks++, false;
  const prior = owner.get(offer.yiaddr);
  if (prior !== undefined && prior !== mac) totals.duplicateOffers++;
  owner.set(offer.yiaddr, mac);
  const sid = read.ip(offer, Opt.SERVER_ID)!;
  const ack = await ask(packet(MessageType.REQUEST, chaddr, xid, [option.ip(Opt.REQUESTED_IP, offer.yiaddr), option.ip(Opt.SERVER_ID, sid)]));
  if (process.env.RACKBOOT_BENCH_LEGS) process.stderr.write(`${t0.toFixed(1)} ${(t1 - t0).toFixed(3)} ${(performance.now() - t1).toFixed(3)}\n`);
  if (!ack) return void totals.timeouts++, false;
  const t = read.messageType(ack);
  if (t === MessageType.NAK) return void totals.naks++, false;
  if (t !== MessageType.ACK || ack.yiaddr !== offer.yiaddr) return void totals.wrongAck++, false;
  return true;
}

async function runPhase(ph: Phase): Promise<Record<string, unknown>> {
  const latencies: number[] = [];
  const windows: Array<{ leasesBefore: number; exPerSec: number }> = [];
  let started = 0;
  let done = 0;
  let ok = 0;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const deadline = Date.now() + ph.maxSeconds * 1000;
  let windowStart = t0;
  let windowDone = 0;
  const leasesAtStart = owner.size;
  const worker = async (): Promise<void> => {
    while (started < ph.exchanges && Date.now() < deadline) {
      started++;
      const s = process.hrtime.bigint();
      if (await exchange()) ok++;
      const e = process.hrtime.bigint();
      latencies.push(Number(e - s) / 1e6);
      done++;
      if (ph.window && done - windowDone >= ph.window) {
        windows.push({ leasesBefore: leasesAtStart + windowDone, exPerSec: Math.round(((done - windowDone) * 1e9) / Number(e - windowStart)) });
        windowStart = e;
        windowDone = done;
      }
    }
  };
  await Promise.all(Array.from({ length: ph.outstanding }, worker));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  const pct = (q: number): number => Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN).toFixed(3));
  return {
    name: ph.name, outstanding: ph.outstanding, attempted: done, acked: ok, failed: done - ok, seconds: Number(seconds.toFixed(2)),
    exPerSec: Math.round(ok / seconds), loadgenCpuUsPerEx: Math.round((cpu.user + cpu.system) / Math.max(1, done)), p50ms: pct(0.5), p99ms: pct(0.99), maxms: pct(1), stoppedByTime: done < ph.exchanges,
    ...(windows.length ? { windows } : {}),
  };
}

sock.bind(67, giaddr, async () => {
  const phases = JSON.parse(phasesJson) as Phase[];
  const results = [];
  for (const ph of phases) results.push(await runPhase(ph));
  process.stdout.write(`${JSON.stringify({ phases: results, totals, distinctAddresses: owner.size })}\n`);
  sock.close();
});
