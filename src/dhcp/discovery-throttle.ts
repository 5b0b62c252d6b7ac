/**
 * Rate limit for `BootBackend.recordDiscovered`: each unknown PXE MAC is written at most once
 * per `intervalMs`, so a client (or a spoofer) repeating DISCOVERs does not cost a synchronous
 * SQLite write per packet. The memory is an LRU of at most `capacity` MACs: a flood of random
 * MACs evicts the oldest entries (whose next DISCOVER is then written again) instead of growing
 * the map. This bounds writes per MAC, not the number of distinct MACs in the table.
 */
export interface DiscoveryThrottleOptions {
  clock: () => number;
  intervalMs?: number;
  capacity?: number;
}

export const DISCOVERY_INTERVAL_MS = 60_000;
export const DISCOVERY_CAPACITY = 4096;

export class DiscoveryThrottle {
  /** MAC → when it was last recorded; Map order is recency (oldest first). */
  private readonly last = new Map<string, number>();
  private readonly clock: () => number;
  private readonly intervalMs: number;
  private readonly capacity: number;

  constructor(o: DiscoveryThrottleOptions) {
    this.clock = o.clock;
    this.intervalMs = o.intervalMs ?? DISCOVERY_INTERVAL_MS;
    this.capacity = Math.max(1, o.capacity ?? DISCOVERY_CAPACITY);
  }

  /** True when `mac` should be recorded now (and remembers that it was). */
  shouldRecord(mac: string): boolean {
    const now = this.clock();
    const at = this.last.get(mac);
    this.last.delete(mac);
    if (at !== undefined && now - at < this.intervalMs) {
      this.last.set(mac, at); // most recently seen; keep the time it was recorded
      return false;
    }
    this.last.set(mac, now);
    if (this.last.size > this.capacity) this.last.delete(this.last.keys().next().value!);
    return true;
  }

  get size(): number {
    return this.last.size;
  }
}
