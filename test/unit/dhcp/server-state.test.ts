import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaseBook } from '../../../src/dhcp/leases.js';
import { LeaseRepo } from '../../../src/store/leases.js';
import { openDatabase } from '../../../src/store/db.js';
import { ipToInt } from '../../../src/wire/dhcp/ip.js';
import { FLAG_BROADCAST, getOption, option, read } from '../../../src/wire/dhcp/index.js';
import { MessageType as T, Opt, arch, fakeBackend, node, pxe, request, requested, serverId, tempDb } from './fakes.js';
import { SERVER, harness } from './harness.js';

const subnet = { network: '10.0.0.0/24', pools: [{ start: '10.0.0.100', end: '10.0.0.102' }], router: ['10.0.0.254'], dns: ['10.0.0.53'], domain: 'cluster', leaseTime: 600 };
const N1 = node('52:54:00:00:00:01', 'n1', { ip: '10.0.0.11', rootPath: '10.0.0.1:/nfsroot/n1', domain: 'rack1.cluster', dhcpOptions: { '150': '0a000001' } });
const A = '52:54:00:00:00:a1';
const B = '52:54:00:00:00:b2';
const C = '52:54:00:00:00:c3';
const D = '52:54:00:00:00:d4';

let t: ReturnType<typeof tempDb>;
let clock: { now: number };
beforeEach(() => {
  t = tempDb();
  clock = { now: 1_700_000_000_000 };
});
afterEach(() => t.cleanup());

const setup = (extra: object = {}, nodes = [N1]) => {
  const fb = fakeBackend(nodes);
  return { ...fb, h: harness(t.db, fb.backend, { mode: 'full', subnets: [subnet], ...extra }, clock) };
};

/** DISCOVER, then REQUEST (SELECTING) the offered address. */
function dora(h: ReturnType<typeof setup>['h'], mac: string, opts = [pxe]) {
  const offer = h.full(request(T.DISCOVER, mac, opts)).reply!;
  const ack = h.full(request(T.REQUEST, mac, [...opts, serverId(SERVER), requested(offer.yiaddr)]));
  return { offer, ack };
}

describe('DISCOVER / OFFER', () => {
  it('a node gets its fixed address, hostname, domain, root-path, its extra option, and PXE boot info', () => {
    const { h, stages } = setup();
    const r = h.full(request(T.DISCOVER, N1.mac, [pxe]));
    expect(r.outcome).toBe('offer');
    const o = r.reply!;
    expect(o.yiaddr).toBe('10.0.0.11');
    expect(read.messageType(o)).toBe(T.OFFER);
    expect(read.text(o, Opt.HOSTNAME)).toBe('n1');
    expect(read.text(o, Opt.DOMAIN_NAME)).toBe('rack1.cluster');
    expect(read.text(o, Opt.ROOT_PATH)).toBe('10.0.0.1:/nfsroot/n1');
    expect(Buffer.from(getOption(o, 150)!).toString('hex')).toBe('0a000001');
    expect(read.ip(o, Opt.SUBNET_MASK)).toBe('255.255.255.0');
    expect(read.ips(o, Opt.ROUTER)).toEqual(['10.0.0.254']);
    expect(read.ip(o, Opt.BROADCAST)).toBe('10.0.0.255');
    expect(read.u32(o, Opt.LEASE_TIME)).toBe(600);
    expect(read.u32(o, Opt.RENEWAL_T1)).toBe(300);
    expect(read.u32(o, Opt.REBINDING_T2)).toBe(525);
    expect(read.text(o, Opt.VENDOR_CLASS)).toBe('PXEClient');
    expect(o.file).toBe('pxelinux.0');
    expect(read.text(o, Opt.BOOTFILE_NAME)).toBe('pxelinux.0');
    expect(o.siaddr).toBe(SERVER);
    expect(stages.map((s) => s.stage)).toEqual(['discover', 'offer']);
  });

  it("a node's own domain does not leak into the next client's reply (the subnet's options are built once)", () => {
    const { h } = setup();
    const pool = h.full(request(T.DISCOVER, A, [pxe])).reply!;
    const own = h.full(request(T.DISCOVER, N1.mac, [pxe])).reply!;
    const poolAgain = h.full(request(T.DISCOVER, B, [pxe])).reply!;
    expect(read.text(pool, Opt.DOMAIN_NAME)).toBe('cluster');
    expect(read.text(own, Opt.DOMAIN_NAME)).toBe('rack1.cluster');
    expect(read.text(poolAgain, Opt.DOMAIN_NAME)).toBe('cluster');
    expect(poolAgain.options.map((o) => o.code)).toEqual(pool.options.map((o) => o.code));
  });

  it.each([
    ['no option 93 → BIOS', [pxe], 'pxelinux.0'],
    ['arch 0 → BIOS', [pxe, arch(0)], 'pxelinux.0'],
    ['arch 7 → EFI', [pxe, arch(7)], 'syslinux.efi'],
    ['arch 9 → EFI', [pxe, arch(9)], 'syslinux.efi'],
    ['arch 6 → per-arch entry', [pxe, arch(6)], 'efi32/syslinux.efi'],
    ['user class iPXE → script URL', [pxe, option.text(Opt.USER_CLASS, 'iPXE')], `http://${SERVER}:8080/boot/52:54:00:00:00:01.ipxe`],
    ['no option 93 but PXEClient:Arch:00007 → EFI', [option.text(Opt.VENDOR_CLASS, 'PXEClient:Arch:00007:UNDI:003016')], 'syslinux.efi'],
    ['Etherboot vendor class', [option.text(Opt.VENDOR_CLASS, 'Etherboot-5.0')], 'nbgrub'],
  ])('loader: %s', (_n, opts, file) => {
    const { h } = setup({ loaders: { byArch: { '6': 'efi32/syslinux.efi' } } });
    const o = h.full(request(T.DISCOVER, N1.mac, opts)).reply!;
    expect(read.text(o, Opt.BOOTFILE_NAME)).toBe(file);
  });

  it('an OS request (no PXEClient) gets a lease and hostname but no boot file, and os-lease is recorded', () => {
    const { h, stages } = setup();
    const { offer, ack } = dora(h, N1.mac, []);
    expect(offer.file).toBe('');
    expect(getOption(offer, Opt.BOOTFILE_NAME)).toBeUndefined();
    expect(read.text(ack.reply!, Opt.HOSTNAME)).toBe('n1');
    expect(stages.map((s) => s.stage)).toEqual(['os-lease']);
  });

  it('pxelinux options 208-211 when configured, not for iPXE', () => {
    const { h } = setup({ pxelinux: { configFile: 'pxelinux.cfg/rack1', rebootTime: 60 } });
    const o = h.full(request(T.DISCOVER, N1.mac, [pxe])).reply!;
    expect(Buffer.from(getOption(o, 208)!).toString('hex')).toBe('f100747e');
    expect(read.text(o, 209)).toBe('pxelinux.cfg/rack1');
    expect(read.u32(o, 211)).toBe(60);
    expect(getOption(o, 210)).toBeUndefined();
    const i = h.full(request(T.DISCOVER, N1.mac, [pxe, option.text(Opt.USER_CLASS, 'iPXE')])).reply!;
    expect(getOption(i, 208)).toBeUndefined();
  });

  it('concurrent DISCOVERs get different pool addresses; the offer is held; a dry pool gives no offer', () => {
    const { h } = setup();
    const ips = [A, B, C].map((m) => h.full(request(T.DISCOVER, m)).reply!.yiaddr);
    expect(new Set(ips).size).toBe(3);
    expect(ips.every((ip) => ip.startsWith('10.0.0.10'))).toBe(true);
    // Asking again gets the same held address, not a new one.
    expect(h.full(request(T.DISCOVER, A)).reply!.yiaddr).toBe(ips[0]);
    const dry = h.full(request(T.DISCOVER, D));
    expect(dry.reply).toBeUndefined();
    expect(dry.outcome).toBe('pool_exhausted');
    // Offers lapse after offerHoldSeconds; then D gets one.
    clock.now += 61_000;
    expect(h.full(request(T.DISCOVER, D)).reply?.yiaddr).toMatch(/^10\.0\.0\.10[0-2]$/);
  });

  it('never offers a pool address that is another node\'s fixed address', () => {
    const N2 = node('52:54:00:00:00:02', 'n2', { ip: '10.0.0.100' });
    const { h } = setup({}, [N1, N2]);
    const ips = [A, B].map((m) => h.full(request(T.DISCOVER, m)).reply!.yiaddr);
    expect(ips).not.toContain('10.0.0.100');
    expect(h.full(request(T.DISCOVER, C)).outcome).toBe('pool_exhausted');
  });
});

describe('REQUEST (RFC 2131 §4.3.2)', () => {
  it('SELECTING us → ACK, lease bound in SQLite with the clock\'s expiry, ack stage', () => {
    const { h, stages } = setup();
    const { ack } = dora(h, N1.mac);
    expect(ack.outcome).toBe('ack');
    expect(ack.durable).toBe(true);
    expect(ack.reply!.yiaddr).toBe('10.0.0.11');
    const row = t.db.prepare("SELECT mac, state, expires_at FROM leases WHERE ip = '10.0.0.11'").get();
    expect(row).toEqual({ mac: N1.mac, state: 'bound', expires_at: clock.now + 600_000 });
    expect(stages.map((s) => s.stage)).toEqual(['discover', 'offer', 'ack']);
  });

  it('SELECTING another server → silent, and our offer goes back to the pool', () => {
    const { h } = setup();
    const offered = h.full(request(T.DISCOVER, A)).reply!.yiaddr;
    const r = h.full(request(T.REQUEST, A, [serverId('10.0.0.2'), requested('10.0.0.77')]));
    expect(r.reply).toBeUndefined();
    expect(r.outcome).toBe('other_server');
    h.full(request(T.DISCOVER, B));
    h.full(request(T.DISCOVER, C));
    expect(h.full(request(T.DISCOVER, D)).reply!.yiaddr).toBe(offered);
  });

  it('SELECTING us for an address we cannot give → NAK', () => {
    const { h } = setup();
    const r = h.full(request(T.REQUEST, A, [serverId(SERVER), requested('10.0.0.11')]));
    expect(r.outcome).toBe('nak');
    expect(read.messageType(r.reply!)).toBe(T.NAK);
    expect(r.reply!.yiaddr).toBe('0.0.0.0');
  });

  it('INIT-REBOOT with a wrong address: NAK when authoritative, silent when not', () => {
    const wrong = request(T.REQUEST, N1.mac, [requested('10.0.0.12')]);
    expect(setup().h.full(wrong).outcome).toBe('not_authoritative');
    const r = setup({ authoritative: true }).h.full(wrong);
    expect(r.outcome).toBe('nak');
    const other = setup({ authoritative: true }).h.full(request(T.REQUEST, A, [requested('192.168.7.7')]));
    expect(other.outcome).toBe('nak');
    expect(read.text(other.reply!, Opt.MESSAGE)).toBe('wrong network');
  });

  it('INIT-REBOOT for a pool client with another active lease → NAK (authoritative)', () => {
    const { h } = setup({ authoritative: true });
    const { ack } = dora(h, A, []);
    const other = ack.reply!.yiaddr === '10.0.0.100' ? '10.0.0.101' : '10.0.0.100';
    expect(h.full(request(T.REQUEST, A, [requested(other)])).outcome).toBe('nak');
    expect(h.full(request(T.REQUEST, A, [requested(ack.reply!.yiaddr)])).outcome).toBe('ack');
  });

  it('RENEWING extends the lease from the current clock; unicast to ciaddr', () => {
    const { h } = setup();
    const ip = dora(h, A, []).ack.reply!.yiaddr;
    clock.now += 300_000;
    const r = h.full(request(T.REQUEST, A, [], { ciaddr: ip }));
    expect(r.outcome).toBe('ack');
    expect(r.reply!.ciaddr).toBe(ip);
    expect(h.book.lease(ip)!.expiresAt).toBe(clock.now + 600_000);
  });

  it('REBINDING an address now leased to someone else → NAK when authoritative', () => {
    const { h } = setup({ authoritative: true });
    const ip = dora(h, A, []).ack.reply!.yiaddr;
    expect(h.full(request(T.REQUEST, B, [], { ciaddr: ip, flags: FLAG_BROADCAST })).outcome).toBe('nak');
  });
});

describe('DECLINE, RELEASE, INFORM, expiry, restart', () => {
  it('DECLINE quarantines the address for declineHoldSeconds', () => {
    const { h } = setup({ declineHoldSeconds: 600 });
    const ip = dora(h, A, []).ack.reply!.yiaddr;
    expect(h.full(request(T.DECLINE, A, [requested(ip), serverId(SERVER)])).outcome).toBe('declined');
    const got = [B, C, D].map((m) => h.full(request(T.DISCOVER, m)).reply?.yiaddr);
    expect(got).not.toContain(ip);
    expect(got[2]).toBeUndefined();
    clock.now += 601_000;
    expect(h.full(request(T.DISCOVER, '52:54:00:00:00:e5')).reply?.yiaddr).toBe(ip);
  });

  it('DECLINE from another MAC for a bound address is ignored: the owner keeps its lease in memory and SQLite and renews', () => {
    const { h } = setup({ authoritative: true, declineHoldSeconds: 600 });
    const ip = dora(h, A, []).ack.reply!.yiaddr;
    // A spoofed DECLINE (any chaddr, option 50 = the bound address), with and without option 54.
    expect(h.full(request(T.DECLINE, B, [requested(ip), serverId(SERVER)])).outcome).toBe('decline_ignored');
    expect(h.full(request(T.DECLINE, C, [requested(ip)])).outcome).toBe('decline_ignored');
    expect(t.db.prepare('SELECT mac, state FROM leases WHERE ip = ?').get(ip)).toEqual({ mac: A, state: 'bound' });
    expect(h.book.activeLeaseOf(A)?.ip).toBe(ip);
    clock.now += 300_000;
    expect(h.full(request(T.REQUEST, A, [], { ciaddr: ip })).outcome).toBe('ack');
    expect(h.full(request(T.REQUEST, A, [requested(ip)])).outcome).toBe('ack');
  });

  it('looping spoofed DECLINEs over the pool takes nothing: every address still goes to DISCOVERs', () => {
    const { h } = setup({ declineHoldSeconds: 600 });
    const ip = dora(h, A, []).ack.reply!.yiaddr;
    h.full(request(T.DISCOVER, B)); // B holds an offer: B's, not D's, to decline
    for (const a of ['10.0.0.100', '10.0.0.101', '10.0.0.102']) {
      expect(h.full(request(T.DECLINE, D, [requested(a), serverId(SERVER)])).outcome).toBe('decline_ignored');
    }
    expect(t.db.prepare("SELECT count(*) AS n FROM leases WHERE state = 'declined'").get()).toEqual({ n: 0 });
    const got = [B, C].map((m) => h.full(request(T.DISCOVER, m)).reply?.yiaddr);
    expect(new Set([ip, ...got]).size).toBe(3);
  });

  it('DECLINE for an address outside the pools, or one the client was never offered, is not stored', () => {
    const { h } = setup({ declineHoldSeconds: 600 });
    const ip = dora(h, A, []).ack.reply!.yiaddr;
    const free = ['10.0.0.100', '10.0.0.101', '10.0.0.102'].find((a) => a !== ip)!;
    for (const a of ['192.168.7.7', '10.0.0.150', '10.0.0.11', free]) {
      expect(h.full(request(T.DECLINE, A, [requested(a), serverId(SERVER)])).outcome).toBe('decline_ignored');
    }
    // Another server's DECLINE, and one without option 50, are not ours to act on either.
    expect(h.full(request(T.DECLINE, A, [requested(ip), serverId('10.0.0.2')])).outcome).toBe('other_server');
    expect(h.full(request(T.DECLINE, A, [serverId(SERVER)])).outcome).toBe('no_requested_ip');
    expect(t.db.prepare('SELECT ip, mac, state FROM leases ORDER BY ip').all()).toEqual([{ ip, mac: A, state: 'bound' }]);
    expect(h.book.activeLeaseOf(A)?.ip).toBe(ip);
  });

  it('DECLINE of the address just offered (before the REQUEST) quarantines it', () => {
    const { h } = setup({ declineHoldSeconds: 600 });
    const ip = h.full(request(T.DISCOVER, A)).reply!.yiaddr;
    expect(h.full(request(T.DECLINE, A, [requested(ip), serverId(SERVER)])).outcome).toBe('declined');
    expect(t.db.prepare('SELECT mac, state FROM leases WHERE ip = ?').get(ip)).toEqual({ mac: A, state: 'declined' });
    expect([A, B, C].map((m) => h.full(request(T.DISCOVER, m)).reply?.yiaddr)).not.toContain(ip);
  });

  it('a node may decline its own fixed address, not another node\'s', () => {
    const N2 = node('52:54:00:00:00:02', 'n2', { ip: '10.0.0.12' });
    const { h } = setup({ declineHoldSeconds: 600 }, [N1, N2]);
    dora(h, N1.mac, []);
    dora(h, N2.mac, []);
    expect(h.full(request(T.DECLINE, N2.mac, [requested('10.0.0.11'), serverId(SERVER)])).outcome).toBe('decline_ignored');
    expect(t.db.prepare("SELECT mac, state FROM leases WHERE ip = '10.0.0.11'").get()).toEqual({ mac: N1.mac, state: 'bound' });
    expect(h.full(request(T.DECLINE, N1.mac, [requested('10.0.0.11'), serverId(SERVER)])).outcome).toBe('declined');
    expect(t.db.prepare("SELECT mac, state FROM leases WHERE ip = '10.0.0.11'").get()).toEqual({ mac: N1.mac, state: 'declined' });
  });

  it('RELEASE frees the address for another client, and the row says released', () => {
    const { h } = setup();
    const ip = dora(h, A, []).ack.reply!.yiaddr;
    dora(h, B, []);
    dora(h, C, []);
    expect(h.full(request(T.DISCOVER, D)).outcome).toBe('pool_exhausted');
    expect(h.full(request(T.RELEASE, A, [serverId(SERVER)], { ciaddr: ip })).outcome).toBe('released');
    expect(t.db.prepare('SELECT state FROM leases WHERE ip = ?').get(ip)).toEqual({ state: 'released' });
    expect(h.full(request(T.DISCOVER, D)).reply!.yiaddr).toBe(ip);
  });

  it('INFORM gets configuration without an address or lease time', () => {
    const { h } = setup();
    const r = h.full(request(T.INFORM, A, [], { ciaddr: '10.0.0.200' }));
    expect(r.outcome).toBe('inform');
    expect(r.reply!.yiaddr).toBe('0.0.0.0');
    expect(getOption(r.reply!, Opt.LEASE_TIME)).toBeUndefined();
    expect(read.ips(r.reply!, Opt.DNS)).toEqual(['10.0.0.53']);
  });

  it('expired leases are reclaimed when the pool is otherwise dry', () => {
    const { h } = setup();
    for (const m of [A, B, C]) dora(h, m, []);
    expect(h.full(request(T.DISCOVER, D)).outcome).toBe('pool_exhausted');
    clock.now += 601_000;
    expect(h.full(request(T.DISCOVER, D)).outcome).toBe('offer');
  });

  it('leases survive a restart: a new LeaseBook over the same file keeps them', () => {
    const { h } = setup();
    const ip = dora(h, A, []).ack.reply!.yiaddr;
    t.db.close();
    const db2 = openDatabase(t.file);
    try {
      const book = new LeaseBook(new LeaseRepo(db2), { clock: () => clock.now, offerHoldMs: 1, declineHoldMs: 1, reservedForOther: () => false });
      expect(book.activeLeaseOf(A)?.ip).toBe(ip);
      expect(book.availableTo(ipToInt(ip), B)).toBe(false);
    } finally {
      db2.close();
    }
  });
});

describe('unknown MACs and discovery', () => {
  it('an unknown PXE client is recorded as discovered with arch, relay and circuit-id', () => {
    const { h, discovered } = setup();
    const agent = option.raw(Opt.RELAY_AGENT_INFO, Uint8Array.from([1, 4, ...Buffer.from('r1p3'), 2, 4, ...Buffer.from('sw01')]));
    const r = h.full(request(T.DISCOVER, A, [pxe, arch(7), agent], { giaddr: '10.0.0.254', hops: 1 }));
    expect(r.outcome).toBe('offer');
    expect(discovered).toEqual([{ mac: A, arch: 7, uuid: null, vendorClass: 'PXEClient:Arch:00000:UNDI:002001', giaddr: '10.0.0.254', circuitId: 'r1p3', remoteId: 'sw01' }]);
    // option 82 echoed back, last
    expect(r.reply!.options.at(-1)!.code).toBe(Opt.RELAY_AGENT_INFO);
  });

  it('repeated DISCOVERs from one unknown PXE MAC are recorded once per 60 s; other MACs are recorded at once', () => {
    const { h, discovered } = setup();
    for (let i = 0; i < 5; i++) {
      expect(h.full(request(T.DISCOVER, A, [pxe])).outcome).toBe('offer');
      clock.now += 10_000;
    }
    expect(discovered.map((d) => d.mac)).toEqual([A]);
    h.full(request(T.DISCOVER, B, [pxe]));
    expect(discovered.map((d) => d.mac)).toEqual([A, B]);
    clock.now += 10_000; // 60 s after A was recorded
    h.full(request(T.DISCOVER, A, [pxe]));
    h.full(request(T.DISCOVER, B, [pxe]));
    expect(discovered.map((d) => d.mac)).toEqual([A, B, A]);
  });

  it('proxy mode: repeated PXE DISCOVERs from one unknown MAC are recorded once per 60 s', () => {
    const { h, discovered } = setup({ mode: 'proxy', subnets: [] });
    for (let i = 0; i < 3; i++) expect(h.proxy(request(T.DISCOVER, A, [pxe])).outcome).toBe('offer');
    expect(discovered).toHaveLength(1);
    clock.now += 60_000;
    h.proxy(request(T.DISCOVER, A, [pxe]));
    expect(discovered).toHaveLength(2);
  });

  it('policy ignore: silent; pxe-only: PXE served, OS ignored', () => {
    expect(setup({ unknownMacs: 'ignore' }).h.full(request(T.DISCOVER, A, [pxe])).outcome).toBe('unknown_ignored');
    const { h } = setup({ unknownMacs: 'pxe-only' });
    expect(h.full(request(T.DISCOVER, A, [pxe])).outcome).toBe('offer');
    expect(h.full(request(T.DISCOVER, B)).outcome).toBe('unknown_ignored');
    expect(h.full(request(T.DISCOVER, N1.mac)).outcome).toBe('offer');
  });

  it('non-Ethernet chaddr (hlen 0, e.g. iPXE on InfiniBand) is not served: leases are keyed by MAC', () => {
    const { h } = setup();
    expect(h.full(request(T.DISCOVER, A, [pxe], { hlen: 0 })).outcome).toBe('not_ethernet');
    expect(h.proxy(request(T.DISCOVER, A, [pxe], { htype: 32, hlen: 0 })).outcome).toBe('not_ethernet');
  });

  it('relayed requests pick the subnet of giaddr; no subnet → silent', () => {
    const rack2 = { network: '10.2.0.0/24', pools: [{ start: '10.2.0.50', end: '10.2.0.60' }] };
    const { h } = setup({ subnets: [subnet, rack2] });
    expect(h.full(request(T.DISCOVER, A, [], { giaddr: '10.2.0.1' })).reply!.yiaddr).toBe('10.2.0.50');
    expect(h.full(request(T.DISCOVER, B, [], { giaddr: '10.9.0.1' })).outcome).toBe('no_subnet');
  });
});

describe('proxyDHCP', () => {
  it('answers a PXE DISCOVER with boot information and no address; ignores OS DISCOVERs', () => {
    const { h } = setup({ mode: 'proxy', subnets: [] });
    const r = h.proxy(request(T.DISCOVER, A, [pxe]));
    expect(r.outcome).toBe('offer');
    const o = r.reply!;
    expect(o.yiaddr).toBe('0.0.0.0');
    expect(getOption(o, Opt.LEASE_TIME)).toBeUndefined();
    expect(read.text(o, Opt.VENDOR_CLASS)).toBe('PXEClient');
    expect([...getOption(o, Opt.VENDOR_SPECIFIC)!]).toEqual([6, 1, 8, 255]);
    // No file and no next-server: the client must come back on 4011 for them.
    expect(o.file).toBe('');
    expect(o.siaddr).toBe('0.0.0.0');
    expect(getOption(o, Opt.BOOTFILE_NAME)).toBeUndefined();
    expect(h.proxy(request(T.DISCOVER, B)).outcome).toBe('not_pxe');
    expect(h.proxy(request(T.REQUEST, A, [pxe, serverId('10.0.0.2'), requested('10.0.0.50')])).outcome).toBe('ignored');
  });

  it('answers the boot-server REQUEST on 4011 with an ACK and the boot file, echoing the boot item', () => {
    const { h } = setup({ mode: 'proxy', subnets: [] });
    const item = option.raw(Opt.VENDOR_SPECIFIC, Uint8Array.of(71, 4, 0x80, 0, 0, 0, 255));
    const r = h.proxy(request(T.REQUEST, N1.mac, [pxe, arch(7), item], { ciaddr: '10.0.0.50' }), true);
    expect(r.outcome).toBe('ack');
    expect(read.messageType(r.reply!)).toBe(T.ACK);
    expect(r.reply!.file).toBe('syslinux.efi');
    expect(r.reply!.siaddr).toBe(SERVER);
    expect(r.reply!.ciaddr).toBe('10.0.0.50');
    expect([...getOption(r.reply!, Opt.VENDOR_SPECIFIC)!]).toEqual([71, 4, 0x80, 0, 0, 0, 255]);
  });
});
