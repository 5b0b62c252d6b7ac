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
    // 2 ms at the rate (at least a few packets): Node timers wake about every millisecond.
    this.capacity = Math.max(3 * 1500, this.perMs * 2);
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
