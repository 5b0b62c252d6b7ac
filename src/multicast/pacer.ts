/**
 * Token bucket for --max-bitrate, on the injected clock. Counts bytes as udp-sender's rate
 * limiter does (UDP payload + 28 bytes of IP/UDP header). A null rate never blocks.
 */
export class Pacer {
  private tokens: number;
  private last: number;
  private capacity = 0;
  private perMs = Number.POSITIVE_INFINITY;
  /** Set when the last take() was refused: poll again at blockedUntil. */
  blocked = false;
  blockedUntil = 0;

  constructor(bitsPerSecond: number | null, now: number) {
    this.setRate(bitsPerSecond);
    this.tokens = this.capacity;
    this.last = now;
  }

  /** Bits per second, or null for no limit. */
  get rate(): number | null {
    return this.perMs === Number.POSITIVE_INFINITY ? null : this.perMs * 8000;
  }

  setRate(bitsPerSecond: number | null): void {
    this.perMs = bitsPerSecond === null ? Number.POSITIVE_INFINITY : bitsPerSecond / 8 / 1000;
    // 8 ms at the rate (at least a few packets). Near line rate the sender is CPU-bound and
    // its timers fire late; a 2 ms bucket threw tokens away meanwhile (measured: 87 MiB/s at
    // 950 Mbit/s; 102 with 8 ms). The cost: after an idle pause up to 8 ms of the configured
    // rate leaves at the NIC's speed (1 MB at 1 Gbit/s, 100 kB at 100 Mbit/s), which the
    // sender's own queue absorbs near line rate and a switch port buffer absorbs below it.
    this.capacity = Math.max(3 * 1500, this.perMs * 8);
    if (this.perMs === Number.POSITIVE_INFINITY) this.blocked = false;
    this.tokens = Math.min(this.tokens ?? 0, this.capacity);
  }

  take(now: number, bytes: number): boolean {
    if (this.perMs === Number.POSITIVE_INFINITY) return true;
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
    if (this.tokens >= bytes) {
      this.tokens -= bytes;
      this.blocked = false;
      return true;
    }
    this.blocked = true;
    this.blockedUntil = now + Math.max(0.05, (bytes - this.tokens) / this.perMs);
    return false;
  }
}
