/**
 * Retransmission timeout from measured round trips, RFC 6298 §2 (SRTT/RTTVAR, alpha 1/8,
 * beta 1/4, K = 4), clamped to [min, max]; the minimum stands in for the clock-granularity
 * term G. Samples come only from exchanges that were not retried (Karn's algorithm, the
 * caller's job); a timeout doubles the RTO (§5.5) until the next sample. Used by TFTP
 * (per block) and by the multicast sender (per REQACK round).
 */
export class RtoEstimator {
  private srtt = -1;
  private rttvar = 0;
  private rto: number;

  constructor(
    private readonly minMs: number,
    initialMs: number,
    private readonly maxMs: number,
  ) {
    this.rto = this.clamp(initialMs);
  }

  get current(): number {
    return this.rto;
  }

  sample(rttMs: number): void {
    const r = Math.max(0, rttMs);
    if (this.srtt < 0) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.rto = this.clamp(this.srtt + 4 * this.rttvar);
  }

  backoff(): void {
    this.rto = this.clamp(this.rto * 2);
  }

  private clamp(ms: number): number {
    return Math.min(this.maxMs, Math.max(this.minMs, ms));
  }
}
