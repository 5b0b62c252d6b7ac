/**
 * Busy-polling for lock-step transfers. After a DATA block goes out, the client's ACK comes
 * back within tens of microseconds on a LAN; a thread that sleeps in epoll meanwhile must be
 * woken for it, and on a virtual machine with idle vCPUs that wake-up costs as much as the
 * round trip itself (measured here: 16 MiB/s lock-step with idle CPUs, 42 MiB/s with busy
 * ones, for the same server). So for `windowUs` after each send the thread keeps its event
 * loop turning (setImmediate: libuv then polls with a zero timeout) and takes the ACK at once.
 *
 * It spins only while it pays: when the ACKs of the last sends took longer than the window
 * on average (a slow client, an emulated NIC), or when the thread runs more than
 * `maxActive` transfers (its loop is busy anyway), it sleeps as usual.
 * Linux's SO_BUSY_POLL does the same inside the kernel; Node cannot set it.
 */
export class BusyPoll {
  private until = 0;
  private spinning = false;
  private sentAt = -1;
  /** Mean send → next packet gap (µs), over about the last 8 sends. */
  private meanGapUs = 0;
  /** Transfers running in this thread. */
  active = 0;
  /** Loop turns spent spinning (for tests and curiosity). */
  turns = 0;

  constructor(
    private readonly windowUs: number,
    private readonly maxActive = 2,
    private readonly now: () => number = () => performance.now(),
    private readonly defer: (f: () => void) => void = (f) => void setImmediate(f),
  ) {}

  /** A packet went out: spin for the window if spinning has been catching the answers. */
  sent(): void {
    const t = this.now();
    this.sentAt = t;
    if (this.windowUs <= 0 || this.active > this.maxActive || this.meanGapUs > this.windowUs) return;
    this.until = t + this.windowUs / 1000;
    if (!this.spinning) {
      this.spinning = true;
      this.defer(this.spin);
    }
  }

  /** A packet came in: learn how long answers take. */
  received(): void {
    if (this.sentAt < 0) return;
    const gapUs = (this.now() - this.sentAt) * 1000;
    this.sentAt = -1;
    this.meanGapUs += (gapUs - this.meanGapUs) / 8;
  }

  private readonly spin = (): void => {
    this.turns++;
    if (this.now() < this.until) this.defer(this.spin);
    else {
      this.spinning = false;
      // No answer within the window: count the whole window as the gap, so a client that
      // never answers quickly stops the spinning after a few sends.
      if (this.sentAt >= 0 && (this.now() - this.sentAt) * 1000 >= this.windowUs) {
        this.meanGapUs += (2 * this.windowUs - this.meanGapUs) / 8;
        this.sentAt = -1;
      }
    }
  };
}
