import { MAX_BLKSIZE, MIN_BLKSIZE, DEFAULT_BLKSIZE, type TftpOptions } from '../wire/tftp/packet.js';

/** What the server grants: the values a transfer runs with, and the OACK to send (if any). */
export interface Negotiated {
  blksize: number;
  windowsize: number;
  /** RFC 2349 timeout the client asked for, in ms; undefined = ours. */
  timeoutMs: number | undefined;
  /** Options for the OACK, in the client's order and spelling; empty = no OACK (RFC 2347 §4). */
  oack: Array<[string, string]>;
}

export interface NegotiationLimits {
  maxBlksize: number;
  maxWindowsize: number;
}

const DECIMAL = /^[0-9]{1,10}$/;

/**
 * RFC 2347 negotiation for a read request: names are case-insensitive, unknown options
 * and malformed values are ignored (left out of the OACK), numeric values are clamped to
 * our limits rather than refused. `size` is the byte count tsize reports, or undefined
 * when we cannot tell it up front (then tsize is not acknowledged).
 */
export function negotiate(options: TftpOptions, limits: NegotiationLimits, size: number | undefined): Negotiated {
  const out: Negotiated = { blksize: DEFAULT_BLKSIZE, windowsize: 1, timeoutMs: undefined, oack: [] };
  const seen = new Set<string>();
  for (const [name, value] of options) {
    const key = name.toLowerCase();
    if (seen.has(key)) continue; // first occurrence wins
    seen.add(key);
    const n = DECIMAL.test(value) ? Number(value) : NaN;
    switch (key) {
      case 'blksize': // RFC 2348: 8–65464; larger requests are answered with a smaller value
        if (n >= MIN_BLKSIZE) {
          out.blksize = Math.min(n, MAX_BLKSIZE, limits.maxBlksize);
          out.oack.push([name, String(out.blksize)]);
        }
        break;
      case 'windowsize': // RFC 7440: 1–65535
        if (n >= 1 && n <= 65535) {
          out.windowsize = Math.min(n, limits.maxWindowsize);
          out.oack.push([name, String(out.windowsize)]);
        }
        break;
      case 'timeout': // RFC 2349: 1–255 seconds, accepted as is or not at all
        if (n >= 1 && n <= 255) {
          out.timeoutMs = n * 1000;
          out.oack.push([name, value]);
        }
        break;
      case 'tsize': // RFC 2349: a read request sends 0; the OACK carries the size
        if (size !== undefined && !Number.isNaN(n)) out.oack.push([name, String(size)]);
        break;
      default:
        break; // unknown options are ignored (RFC 2347 §4)
    }
  }
  return out;
}
