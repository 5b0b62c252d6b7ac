import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BootBackend } from '../../../src/boot/backend.js';
import type { BootStage, DiscoveredMachine, Node } from '../../../src/inventory/types.js';
import { openDatabase, type Database } from '../../../src/store/db.js';
import { testNode } from '../../helpers/nodes.js';
import { MessageType, Opt, macToChaddr, option, type DhcpOption, type DhcpPacket } from '../../../src/wire/dhcp/index.js';

export function node(mac: string, hostname: string, extra: Partial<Node> = {}): Node {
  return testNode(mac, hostname, { id: Math.floor(Math.random() * 1e6), ...extra });
}

/** A BootBackend over a plain list of nodes, recording what the server reports. */
export function fakeBackend(nodes: Node[]) {
  const stages: Array<{ hostname: string; stage: BootStage; detail?: string }> = [];
  const discovered: Array<Omit<DiscoveredMachine, 'firstSeen' | 'lastSeen' | 'seenCount'>> = [];
  const backend: BootBackend = {
    nodeByMac: (mac) => nodes.find((n) => n.mac === mac),
    nodeByIp: (ip) => nodes.find((n) => n.ip === ip),
    nodeByFixedIp: (ip) => nodes.find((n) => n.ip === ip),
    recordStage: (n, stage, detail) => void stages.push({ hostname: n.hostname, stage, detail }),
    recordDiscovered: (d) => void discovered.push(d),
    renderPxelinuxConfig: () => undefined,
    renderIpxeScript: () => Buffer.from('#!ipxe\n'),
    stageForFile: () => undefined,
  };
  return { backend, stages, discovered };
}

export function tempDb(): { db: Database; file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'rbtd-'));
  const file = join(dir, 'rackboot.db');
  const db = openDatabase(file);
  return { db, file, cleanup: () => { if (db.open) db.close(); rmSync(dir, { recursive: true, force: true }); } };
}

export function request(type: number, mac: string, opts: DhcpOption[] = [], extra: Partial<DhcpPacket> = {}): DhcpPacket {
  return {
    op: 1, htype: 1, hlen: 6, hops: 0, xid: Math.floor(Math.random() * 2 ** 32), secs: 0, flags: 0,
    ciaddr: '0.0.0.0', yiaddr: '0.0.0.0', siaddr: '0.0.0.0', giaddr: '0.0.0.0', chaddr: macToChaddr(mac),
    sname: '', file: '', options: [option.messageType(type), ...opts], ...extra,
  };
}

export const pxe = option.text(Opt.VENDOR_CLASS, 'PXEClient:Arch:00000:UNDI:002001');
export const arch = (n: number): DhcpOption => option.u16(Opt.CLIENT_ARCH, n);
export const requested = (ip: string): DhcpOption => option.ip(Opt.REQUESTED_IP, ip);
export const serverId = (ip: string): DhcpOption => option.ip(Opt.SERVER_ID, ip);
export { MessageType, Opt };
