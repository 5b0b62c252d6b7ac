/**
 * Rendered overlay archives by node, each kept with the stamp it was rendered under
 * (inventory version + this process's change count + the overlay files' mtimes). A boot storm
 * of 1,000 nodes then renders each overlay once; any change anywhere makes every stamp stale,
 * which is cheap (a render is a few milliseconds) and never serves a wrong file.
 * Bounded: least recently used entries go first.
 */
export class OverlayCache {
  private readonly entries = new Map<string, { stamp: string; bytes: Buffer }>();
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries = 4096) {}

  get size(): number {
    return this.entries.size;
  }

  /** The archive for `key` rendered under `stamp`, or undefined (counted as a miss). */
  get(key: string, stamp: string): Buffer | undefined {
    const e = this.entries.get(key);
    if (!e || e.stamp !== stamp) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Map keeps insertion order: re-inserting makes this the most recently used.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.bytes;
  }

  set(key: string, stamp: string, bytes: Buffer): void {
    this.entries.delete(key);
    this.entries.set(key, { stamp, bytes });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
