import { DecodeError } from '../../errors.js';
import { Opt } from './codes.js';

/** An option is data: a code and its raw bytes (already joined per RFC 3396). */
export interface DhcpOption {
  code: number;
  data: Uint8Array;
}

const copyOf = Uint8Array.prototype.slice;

/**
 * Parse one options area (the `options` field, or `file`/`sname` when overloaded) into `into`.
 * PAD is skipped, END stops; an option running past the area is a DecodeError. A code already
 * in `into` (from this area or an earlier one) is joined onto it (RFC 3396 §5), so `into`
 * keeps each code once, in the order of first appearance. Option 52 is never joined: a
 * repeat is ignored (the first says where to read next).
 */
export function readOptionArea(buf: Uint8Array, into: DhcpOption[], where: string): void {
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
    // A copy (Uint8Array's slice copies; a Buffer's would not): the decoded packet keeps no
    // receive buffer alive.
    const data = copyOf.call(buf, i + 2, i + 2 + len);
    const seen = into.find((o) => o.code === code);
    if (!seen) into.push({ code, data });
    else if (code !== Opt.OVERLOAD) seen.data = Buffer.concat([seen.data, data]);
    i += 2 + len;
  }
  // A missing END is tolerated: many relays and ROMs end the packet right after the last option.
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
