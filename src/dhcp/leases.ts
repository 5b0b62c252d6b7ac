import type { LeaseRecord, LeaseRepo } from '../store/leases.js';
import { intToIp, ipToInt } from '../wire/dhcp/ip.js';
import { inPool, type Subnet } from './subnets.js';

interface Offer {
  mac: string;
  expiresAt: number;
}

export interface LeaseBookOptions {
  clock: () => number;
  offerHoldMs: number;
  declineHoldMs: number;
  /** True when `ip` is some other node's fixed address in the inventory. */
  reservedForOther: (ip: string, mac: string) => boolean;
}

/**
 * Lease state (RFC 2131 §4.3): bound leases and declined addresses mirrored from SQLite,
 * plus offers held in memory so that concurrent DISCOVERs never get the same address.
 * Writes are queued and committed in one transaction by `flush()`.
 */
export class LeaseBook {
  private readonly byIp = new Map<number, LeaseRecord>();
  private readonly byMac = new Map<string, number>();
  private readonly offers = new Map<number, Offer>();
  private readonly offerOf = new Map<string, number>();
  private readonly cursor = new Map<string, number>();
  private pending = new Map<string, LeaseRecord>();

  constructor(
    private readonly repo: LeaseRepo,
    private readonly o: LeaseBookOptions,
  ) {
    for (const r of repo.all()) this.remember(r);
  }

  private remember(r: LeaseRecord): void {
    const n = ipToInt(r.ip);
    const old = this.byIp.get(n);
    if (old && old.mac !== r.mac && this.byMac.get(old.mac) === n) this.byMac.delete(old.mac);
    this.byIp.set(n, r);
    if (r.state !== 'declined') this.byMac.set(r.mac, n);
  }

  private write(r: LeaseRecord): LeaseRecord {
    this.remember(r);
    this.pending.set(r.ip, r);
    return r;
  }

  /** Queued writes, handed over once (the server commits them through a LeaseWriter). */
  takePending(): LeaseRecord[] {
    const rows = [...this.pending.values()];
    this.pending = new Map();
    return rows;
  }

  /** Commit queued writes here, in one transaction; returns how many rows were written. */
  flush(): number {
    const rows = this.takePending();
    this.repo.saveMany(rows);
    return rows.length;
  }

  get dirty(): boolean {
    return this.pending.size > 0;
  }

  /** The client's current or most recent lease (any state but declined). */
  leaseOf(mac: string): LeaseRecord | undefined {
    const n = this.byMac.get(mac);
    return n === undefined ? undefined : this.byIp.get(n);
  }

  /** The client's bound, unexpired lease. */
  activeLeaseOf(mac: string): LeaseRecord | undefined {
    const l = this.leaseOf(mac);
    return l && l.state === 'bound' && l.expiresAt > this.o.clock() ? l : undefined;
  }

  lease(ip: string): LeaseRecord | undefined {
    return this.byIp.get(ipToInt(ip));
  }

  /** Can `mac` have `ip` now? Not bound to another client, not quarantined, not offered to another, not someone's fixed address. */
  availableTo(ip: number, mac: string): boolean {
    const now = this.o.clock();
    const l = this.byIp.get(ip);
    if (l && l.expiresAt > now && (l.state === 'declined' || (l.state === 'bound' && l.mac !== mac))) return false;
    const offer = this.offers.get(ip);
    if (offer && offer.mac !== mac && offer.expiresAt > now) return false;
    return !this.o.reservedForOther(intToIp(ip), mac);
  }

  /**
   * A pool address for `mac`: its previous one, else the one it asked for (option 50),
   * else the next free one after the pool cursor. Undefined when the pool is dry; the scan
   * is bounded by the pool size, so a dry pool costs one pass, never a loop.
   */
  allocate(subnet: Subnet, mac: string, requested?: string): string | undefined {
    const prev = this.byMac.get(mac);
    if (prev !== undefined && inPool(subnet, prev) && this.availableTo(prev, mac)) return intToIp(prev);
    const offered = this.offerOf.get(mac);
    if (offered !== undefined && inPool(subnet, offered) && this.availableTo(offered, mac)) return intToIp(offered);
    if (requested !== undefined) {
      const r = ipToInt(requested);
      if (inPool(subnet, r) && this.availableTo(r, mac)) return requested;
    }
    if (subnet.poolSize === 0) return undefined;
    let at = this.cursor.get(subnet.name) ?? subnet.pools[0]!.start;
    for (let tried = 0; tried < subnet.poolSize; tried++) {
      const range = subnet.pools.find((p) => at >= p.start && at <= p.end);
      if (!range) at = this.nextPoolStart(subnet, at);
      const candidate = at;
      at = candidate + 1;
      if (this.availableTo(candidate, mac)) {
        this.cursor.set(subnet.name, at);
        return intToIp(candidate);
      }
    }
    return undefined;
  }

  private nextPoolStart(subnet: Subnet, at: number): number {
    const next = subnet.pools.filter((p) => p.start > at).sort((a, b) => a.start - b.start)[0];
    return (next ?? subnet.pools[0]!).start;
  }

  /** Hold `ip` for `mac` until its REQUEST (or the hold time) comes. */
  hold(mac: string, ip: string): void {
    this.forgetOffer(mac);
    const n = ipToInt(ip);
    this.offers.set(n, { mac, expiresAt: this.o.clock() + this.o.offerHoldMs });
    this.offerOf.set(mac, n);
  }

  /** SELECTING for another server, or bound: the held address goes back to the pool. */
  forgetOffer(mac: string): void {
    const n = this.offerOf.get(mac);
    if (n === undefined) return;
    this.offerOf.delete(mac);
    if (this.offers.get(n)?.mac === mac) this.offers.delete(n);
  }

  offerFor(mac: string): string | undefined {
    const n = this.offerOf.get(mac);
    const o = n === undefined ? undefined : this.offers.get(n);
    return o && o.mac === mac && o.expiresAt > this.o.clock() ? intToIp(n!) : undefined;
  }

  bind(b: { ip: string; mac: string; subnet: string; leaseMs: number; hostname: string | null; clientId: string | null; fixed: boolean }): LeaseRecord {
    this.forgetOffer(b.mac);
    const now = this.o.clock();
    return this.write({ ip: b.ip, mac: b.mac, state: 'bound', expiresAt: now + b.leaseMs, subnet: b.subnet, hostname: b.hostname, clientId: b.clientId, fixed: b.fixed, updatedAt: now });
  }

  /** RFC 2131 §4.3.4: the client is done with the address; keep the row so it gets it back. */
  release(mac: string, ip: string): boolean {
    const l = this.byIp.get(ipToInt(ip));
    if (!l || l.mac !== mac || l.state !== 'bound') return false;
    const now = this.o.clock();
    this.write({ ...l, state: 'released', expiresAt: now, updatedAt: now });
    return true;
  }

  /** Was `ip` offered to `mac` (live offer), or is it bound to `mac` (unexpired)? */
  heldBy(mac: string, ip: string): boolean {
    if (this.offerFor(mac) === ip) return true;
    const l = this.byIp.get(ipToInt(ip));
    return !!l && l.mac === mac && l.state === 'bound' && l.expiresAt > this.o.clock();
  }

  /**
   * RFC 2131 §4.3.3: the client found the address in use; keep it out of the pool a while.
   * Only the client the address was offered or bound to may decline it: anything else is
   * refused (false) so a spoofed DECLINE never takes an address from its owner.
   */
  decline(mac: string, ip: string, subnet: string): boolean {
    if (!this.heldBy(mac, ip)) return false;
    const now = this.o.clock();
    this.forgetOffer(mac);
    if (this.byMac.get(mac) === ipToInt(ip)) this.byMac.delete(mac);
    this.write({ ip, mac, state: 'declined', expiresAt: now + this.o.declineHoldMs, subnet, hostname: null, clientId: null, fixed: false, updatedAt: now });
    return true;
  }

  /** Counts for the dhcpLeases gauge; bound leases past their expiry count as free. */
  usage(subnet: Subnet): { bound: number; declined: number; offered: number; free: number } {
    const now = this.o.clock();
    let bound = 0;
    let declined = 0;
    for (const [ip, l] of this.byIp) {
      if (l.expiresAt <= now || !inPool(subnet, ip)) continue;
      if (l.state === 'bound') bound++;
      else if (l.state === 'declined') declined++;
    }
    let offered = 0;
    for (const [ip, o] of this.offers) {
      if (o.expiresAt > now && inPool(subnet, ip) && !(this.byIp.get(ip)?.state === 'bound' && this.byIp.get(ip)!.expiresAt > now)) offered++;
    }
    return { bound, declined, offered, free: Math.max(0, subnet.poolSize - bound - declined - offered) };
  }

  /** Drop expired offers; mark expired bound leases so `lease list` shows them as expired. */
  sweep(): void {
    const now = this.o.clock();
    for (const [ip, o] of this.offers) if (o.expiresAt <= now) {
      this.offers.delete(ip);
      if (this.offerOf.get(o.mac) === ip) this.offerOf.delete(o.mac);
    }
    for (const l of this.byIp.values()) if (l.state === 'bound' && l.expiresAt <= now) this.write({ ...l, state: 'expired', updatedAt: now });
  }
}
