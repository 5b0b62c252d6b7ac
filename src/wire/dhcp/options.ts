import { DecodeError } from '../../errors.js';
import { Opt } from './codes.js';

/** An option is data: a code and its raw bytes (already joined per RFC 3396). */
export interface DhcpOption {
  code: number;
  data: Uint8Array;
}

const copyOf = Uint8Array.prototype.slice;

// Where each code sits in the reader's list, for the one OptionReader in use: decoding is
// synchronous, so one table serves every packet, and a stamp per reader saves clearing it.
const stampOf = new Uint32Array(256);
const indexOf = new Uint16Array(256);
let lastStamp = 0;

/**
 * Collects a message's options from its areas (the `options` field, then `file`/`sname`
 * when overloaded). PAD is skipped, END stops; an option running past its area is a
 * DecodeError. Each code is kept once, in the order of first appearance; the instances of a
 * repeated code are joined once, at `finish` (RFC 3396 §5), so a packet of repeats costs
 * linear time. Option 52 is never joined: the first instance says where to read next, and
 * `finish` leaves it out. Use one reader per packet and finish it before starting another.
 */
export class OptionReader {
  private readonly options: DhcpOption[] = [];
  /** Later instances of repeated codes, by index in `options` (made on the first repeat). */
  private repeats: Map<number, Uint8Array[]> | null = null;
  private readonly stamp: number;

  constructor() {
    lastStamp = (lastStamp + 1) >>> 0;
    if (lastStamp === 0) {
      stampOf.fill(0);
      lastStamp = 1;
    }
    this.stamp = lastStamp;
  }

  read(buf: Uint8Array, where: string): void {
    let i = 0;
    while (i < buf.length) {
      const code = buf[i]!;
      if (code === Opt.PAD) {
        i++;
        continue;
      }
      if (code === Opt.END) return;
      if (i + 1 >= buf.length) throw new DecodeError(`option ${code} in ${where}: missing length byte`);
      const len = buf[i + 1]!;
      if (i + 2 + len > buf.length) throw new DecodeError(`option ${code} in ${where}: length ${len} runs past the end`);
      // A copy (Uint8Array's slice copies; a Buffer's would not): the decoded packet keeps
      // no receive buffer alive.
      const data = copyOf.call(buf, i + 2, i + 2 + len);
      if (stampOf[code] !== this.stamp) {
        stampOf[code] = this.stamp;
        indexOf[code] = this.options.length;
        this.options.push({ code, data });
      } else if (code !== Opt.OVERLOAD) {
        const at = indexOf[code]!;
        const list = (this.repeats ??= new Map()).get(at);
        if (list) list.push(data);
        else this.repeats.set(at, [data]);
      }
      i += 2 + len;
    }
    // A missing END is tolerated: many relays and ROMs end the packet right after the last option.
  }

  /** The first instance of `code` read so far. */
  first(code: number): Uint8Array | undefined {
    return stampOf[code] === this.stamp ? this.options[indexOf[code]!]!.data : undefined;
  }

  /** The options, repeats joined, without option 52. */
  finish(): DhcpOption[] {
    if (this.repeats) {
      for (const [at, rest] of this.repeats) {
        const o = this.options[at]!;
        o.data = Buffer.concat([o.data, ...rest]);
      }
    }
    return stampOf[Opt.OVERLOAD] === this.stamp ? this.options.filter((o) => o.code !== Opt.OVERLOAD) : this.options;
  }
}

/** One option as wire TLVs: split into 255-byte pieces (RFC 3396 §6); empty data is one 0-length TLV. */
export function optionChunks(o: DhcpOption): Uint8Array[] {
  if (o.code === Opt.PAD || o.code === Opt.END || o.code > 255 || o.code < 0) {
    throw new RangeError(`option code ${o.code} cannot be encoded as a TLV`);
  }
  const out: Uint8Array[] = [];
  let off = 0;
  do {
    const piece = o.data.subarray(off, off + 255);
    const tlv = new Uint8Array(2 + piece.length);
    tlv[0] = o.code;
    tlv[1] = piece.length;
    tlv.set(piece, 2);
    out.push(tlv);
    off += 255;
  } while (off < o.data.length);
  return out;
}

/** Put option 82 last (RFC 3046 §2.2: the server echoes it as the last option). */
export function orderForWire(options: DhcpOption[]): DhcpOption[] {
  const rest = options.filter((o) => o.code !== Opt.RELAY_AGENT_INFO && o.code !== Opt.OVERLOAD);
  const agent = options.filter((o) => o.code === Opt.RELAY_AGENT_INFO);
  return [...rest, ...agent];
}
