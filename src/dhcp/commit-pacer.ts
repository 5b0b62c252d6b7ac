/**
 * When to commit the queued lease rows (ACKs wait for their commit). A one-row commit costs
 * about 25 µs (WAL frames for three b-tree pages); sixteen rows in one commit cost about 7 µs
 * each. So:
 *  - when REQUESTs come slowly (one at a time, a rack booting), commit at once: no ACK waits;
 *  - when they come faster than one per `busyGapUs` on average, wait up to `holdMs` so one
 *    commit carries every row that arrived meanwhile (group commit).
 * `fixedMs > 0` (config `flushMilliseconds`) always waits that long instead.
 * Pure: the caller passes the time in microseconds and turns the answer into a timer.
 */
export interface CommitPacerOptions {
  fixedMs: number;
  /** Mean gap between durable requests below which the pacer groups commits. */
  busyGapUs?: number;
  /** How long a grouped commit may hold the first ACK. */
  holdMs?: number;
}

/** `immediate`: commit in this turn of the event loop; a number: commit after that many ms. */
export type CommitDelay = 'immediate' | number;

export class CommitPacer {
  private lastArrivalUs: number | undefined;
  private meanGapUs = Infinity;
  private readonly busyGapUs: number;
  private readonly holdMs: number;

  constructor(private readonly o: CommitPacerOptions) {
    this.busyGapUs = o.busyGapUs ?? 250;
    this.holdMs = o.holdMs ?? 1;
  }

  /** A durable request arrived at `nowUs`: how long may its commit wait? */
  arrival(nowUs: number): CommitDelay {
    if (this.lastArrivalUs !== undefined) {
      const gap = Math.max(0, nowUs - this.lastArrivalUs);
      // Exponential mean over about the last 8 arrivals; an idle pause resets it at once.
      this.meanGapUs = this.meanGapUs === Infinity || gap > 10 * this.busyGapUs ? gap : this.meanGapUs + (gap - this.meanGapUs) / 8;
    }
    this.lastArrivalUs = nowUs;
    if (this.o.fixedMs > 0) return this.o.fixedMs;
    return this.meanGapUs < this.busyGapUs ? this.holdMs : 'immediate';
  }

  get busy(): boolean {
    return this.meanGapUs < this.busyGapUs;
  }
}
