/**
 * When to commit the queued lease rows (ACKs wait for their commit). A one-row commit costs
 * about 25 µs (WAL frames for three b-tree pages); sixteen rows in one commit cost about 7 µs
 * each. So:
 *  - when REQUESTs come slowly (one at a time, a rack booting), commit at once: no ACK waits;
 *  - when they come faster than one per `busyGapUs` on average, wait up to `holdMs` so one
 *    commit carries every row that arrived meanwhile (group commit);
 *  - but only while commits carry more than one row: a client with one request outstanding
 *    (or a few) sends its next REQUEST only after this ACK, so holding would batch nothing
 *    and add `holdMs` to every exchange. Seen in the benchmark: once exchanges got faster than
 *    250 µs, REQUEST legs at 1 outstanding took 1.5–2 ms.
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
  /** ACKs per commit, exponential mean over about the last 4 commits. */
  private meanAcks = 2;
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
    return this.busy ? this.holdMs : 'immediate';
  }

  /** A commit released `acks` waiting ACKs (immediate or held). */
  committed(acks: number): void {
    this.meanAcks += (acks - this.meanAcks) / 4;
  }

  /** Requests come fast, and concurrently enough that a commit carries more than one row. */
  get busy(): boolean {
    return this.meanGapUs < this.busyGapUs && this.meanAcks >= 1.25;
  }
}
