/**
 * RFC 1350 "netascii" (RFC 764 NVT ASCII) as a server sends it: LF becomes CR LF and a
 * bare CR becomes CR NUL. Streaming: a pair that does not fit the output waits for the
 * next call, so any block size works.
 */
export class NetasciiEncoder {
  /** Second byte of a pair whose first byte ended the previous output, or -1. */
  private pending = -1;

  get hasPending(): boolean {
    return this.pending >= 0;
  }

  /** Convert `input` into `out`; returns bytes consumed from input and written to out. */
  convert(input: Uint8Array, out: Uint8Array): { consumed: number; written: number } {
    let w = 0;
    let r = 0;
    if (this.pending >= 0 && out.length > 0) {
      out[w++] = this.pending;
      this.pending = -1;
    }
    while (r < input.length && w < out.length) {
      const c = input[r++]!;
      if (c === 0x0a || c === 0x0d) {
        out[w++] = 0x0d;
        const second = c === 0x0a ? 0x0a : 0x00;
        if (w < out.length) out[w++] = second;
        else this.pending = second;
      } else {
        out[w++] = c;
      }
    }
    return { consumed: r, written: w };
  }

  /** Write a pending byte left at end of input; returns bytes written (0 or 1). */
  flush(out: Uint8Array): number {
    if (this.pending < 0 || out.length === 0) return 0;
    out[0] = this.pending;
    this.pending = -1;
    return 1;
  }
}

/** Length of `input` once converted to netascii. */
export function netasciiLength(input: Uint8Array): number {
  let n = input.length;
  for (const c of input) if (c === 0x0a || c === 0x0d) n++;
  return n;
}

/** Whole-buffer conversion (tests, small rendered files). */
export function toNetascii(input: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(netasciiLength(input));
  const { written } = new NetasciiEncoder().convert(input, out);
  return out.subarray(0, written);
}

/** Reverse conversion, as a client does: CR LF → LF, CR NUL → CR. */
export function fromNetascii(input: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(input.length);
  let w = 0;
  for (let r = 0; r < input.length; r++) {
    const c = input[r]!;
    if (c === 0x0d && (input[r + 1] === 0x0a || input[r + 1] === 0x00)) {
      out[w++] = input[r + 1] === 0x0a ? 0x0a : 0x0d;
      r++;
    } else out[w++] = c;
  }
  return out.subarray(0, w);
}
