/**
 * Token bucket for --max-bitrate, on the injected clock. Counts bytes as udp-sender's rate
 * limiter does (UDP payload + 28 bytes of IP/UDP header). A null rate never blocks.
 */
export class Pacer {
  private tokens: number;
  private last: number;
  private readonly capacity: number;
  private readonly perMs: number;
  /** Set when the last take() was refused: poll again at blockedUntil. */
  blocked = false;
  blockedUntil = 0;

  constructor(bitsPerSecond: number | null, now: number) {
    this.perMs = bitsPerSecond === null ? Number.POSITIVE_INFINITY : bitsPerSecond / 8 / 1000;
    // 2 ms of line rate (at least a few packets): Node timers wake about every millisecond.
    this.capacity = Math.max(3 * 1500, this.perMs * 2);
    this.tokens = this.capacity;
    this.last = now;
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
