import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../src/errors.js';
import {
  FLAG_BROADCAST,
  MessageType,
  Opt,
  decodePacket,
  encodePacket,
  encodingLength,
  getOption,
  macToChaddr,
  option,
  read,
  type DhcpPacket,
} from '../../../../src/wire/dhcp/index.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+|#[^\n]*/g, ''), 'hex'));

/** A relayed PXE DISCOVER written by hand, one comment per field. */
const relayedDiscover = hex(`
  01 01 06 01            # op BOOTREQUEST, htype ethernet, hlen 6, hops 1 (one relay)
  12 34 56 78            # xid
  00 03 80 00            # secs 3, flags broadcast
  00000000 00000000 00000000  # ciaddr, yiaddr, siaddr
  0a 01 00 01            # giaddr 10.1.0.1 (the rack's relay)
  525400aabbcc 00000000000000000000   # chaddr: MAC then 10 bytes of padding
  ${'00'.repeat(64)}     # sname
  ${'00'.repeat(128)}    # file
  63 82 53 63            # magic cookie
  35 01 01               # 53 message type DISCOVER
  00 00                  # two PAD bytes some ROMs insert
  3c 09 50 58 45 43 6c 69 65 6e 74   # 60 vendor class "PXEClient"
  5d 02 00 07            # 93 client arch 7 (EFI x64)
  52 0c 01 04 72 31 70 33 02 04 73 77 30 31   # 82: circuit-id "r1p3", remote-id "sw01"
  ff                     # END
`);

describe('decodePacket', () => {
  it('reads every header field and skips PAD', () => {
    const p = decodePacket(relayedDiscover);
    expect(p).toMatchObject({ op: 1, htype: 1, hlen: 6, hops: 1, xid: 0x12345678, secs: 3, flags: FLAG_BROADCAST, giaddr: '10.1.0.1', sname: '', file: '' });
    expect(read.messageType(p)).toBe(MessageType.DISCOVER);
    expect(read.text(p, Opt.VENDOR_CLASS)).toBe('PXEClient');
    expect(p.options.map((o) => o.code)).toEqual([53, 60, 93, 82]);
  });

  it('joins repeated options in order (RFC 3396 §5)', () => {
    const p = decodePacket(withOptions('0c03616263 0c03646566 ff'));
    expect(read.text(p, Opt.HOSTNAME)).toBe('abcdef');
  });

  it('reads overloaded options from file then sname (option 52)', () => {
    const base = withOptions('350101 340103 ff');
    base.set(hex('0c026869 ff'), 108); // file: hostname "hi"
    base.set(hex('0c02212a ff'), 44); // sname: hostname continues "!*"
    const p = decodePacket(base);
    expect(read.text(p, Opt.HOSTNAME)).toBe('hi!*');
    expect(p.file).toBe('');
    expect(p.sname).toBe('');
    expect(getOption(p, Opt.OVERLOAD)).toBeUndefined();
  });

  it('joins one code across options, file and sname in that order, and keeps the first option 52', () => {
    const base = withOptions('0c0161 340103 340102 350101 0c0162 ff'); // 52 repeated: the first (3) counts
    base.set(hex('0c0163 340101 0c0164 ff'), 108); // file: hostname "c", a stray 52, "d"
    base.set(hex('0c0165 ff'), 44); // sname: "e"
    const p = decodePacket(base);
    expect(read.text(p, Opt.HOSTNAME)).toBe('abcde');
    expect(p.options.map((o) => o.code)).toEqual([12, 53]);
    expect(getOption(p, Opt.OVERLOAD)).toBeUndefined();
  });

  it('joins thousands of repeats of one code into one option, and decodes the next packet afresh', () => {
    const repeats = 20_000;
    const body = new Uint8Array(240 + repeats * 3 + 1);
    body.set(withOptions('ff').subarray(0, 240));
    for (let i = 0; i < repeats; i++) body.set([Opt.HOSTNAME, 1, 0x61 + (i % 26)], 240 + i * 3);
    body[body.length - 1] = Opt.END;
    const p = decodePacket(body);
    expect(p.options).toHaveLength(1);
    expect(p.options[0]!.data.length).toBe(repeats);
    expect(p.options[0]!.data[26]).toBe(0x61);
    // The table of codes seen is per packet: a second packet does not inherit the first's.
    expect(decodePacket(withOptions('350101 ff')).options.map((o) => o.code)).toEqual([53]);
  });

  it.each([
    ['short', new Uint8Array(100), /shorter/],
    ['bad op', withOptions('ff', 9), /op 9/],
    ['no cookie', withOptions('ff').fill(0, 236, 240), /magic/],
    ['option past end', withOptions('0c09616263'), /runs past/],
    ['bad overload', withOptions('340107 ff'), /overload/],
  ])('throws DecodeError: %s', (_name, bytes, message) => {
    expect(() => decodePacket(bytes)).toThrow(DecodeError);
    expect(() => decodePacket(bytes)).toThrow(message);
  });
});

function withOptions(opts: string, op = 1): Uint8Array {
  const o = hex(opts);
  const b = new Uint8Array(240 + o.length);
  b[0] = op;
  b[1] = 1;
  b[2] = 6;
  b.set([0x63, 0x82, 0x53, 0x63], 236);
  b.set(o, 240);
  return b;
}

const reply = (options: DhcpPacket['options'], extra: Partial<DhcpPacket> = {}): DhcpPacket => ({
  op: 2, htype: 1, hlen: 6, hops: 0, xid: 7, secs: 0, flags: 0,
  ciaddr: '0.0.0.0', yiaddr: '10.0.0.5', siaddr: '10.0.0.1', giaddr: '0.0.0.0',
  chaddr: macToChaddr('52:54:00:00:00:01'), sname: '', file: 'pxelinux.0', options, ...extra,
});

describe('encodePacket', () => {
  it('pads to the 300-byte BOOTP minimum and ends options with END', () => {
    const out = encodePacket(reply([option.messageType(MessageType.OFFER)]));
    expect(out.length).toBe(300);
    expect([...out.subarray(240, 244)]).toEqual([53, 1, 2, 255]);
  });

  it('splits a long option into 255-byte pieces and the decoder joins them (RFC 3396)', () => {
    const long = 'x'.repeat(300);
    const p = reply([option.messageType(MessageType.ACK), option.text(Opt.ROOT_PATH, long)]);
    const out = encodePacket(p, { maxLength: 1000 });
    expect([...out.subarray(243, 245)]).toEqual([17, 255]);
    expect([...out.subarray(243 + 257, 243 + 259)]).toEqual([17, 45]);
    expect(read.text(decodePacket(out), Opt.ROOT_PATH)).toBe(long);
  });

  it('puts option 82 last, after options added later', () => {
    const agent = option.raw(Opt.RELAY_AGENT_INFO, hex('0104 72317033'));
    const out = encodePacket(reply([option.messageType(MessageType.OFFER), agent, option.text(Opt.HOSTNAME, 'n1')]));
    const codes = decodePacket(out).options.map((o) => o.code);
    expect(codes).toEqual([53, 12, 82]);
    expect([...out.subarray(240 + 3 + 4, 240 + 3 + 4 + 9)]).toEqual([82, 6, 1, 4, 0x72, 0x31, 0x70, 0x33, 255]);
  });

  it('passes unknown options through unchanged', () => {
    const odd = option.raw(224, hex('deadbeef'));
    const p = decodePacket(encodePacket(reply([option.messageType(MessageType.ACK), odd])));
    expect(Buffer.from(getOption(p, 224)!).toString('hex')).toBe('deadbeef');
  });

  it('overloads file and sname when the options do not fit, and round-trips', () => {
    const many = Array.from({ length: 20 }, (_, i) => option.text(200 + i, 'y'.repeat(20)));
    const p = reply([option.messageType(MessageType.ACK), ...many, option.raw(82, hex('0102 6869'))], { file: '' });
    const out = encodePacket(p);
    expect(out.length).toBeLessThanOrEqual(548);
    expect(encodingLength(p)).toBe(out.length);
    const back = decodePacket(out);
    const byCode = (l: DhcpPacket['options']) => [...l].sort((a, b) => a.code - b.code);
    expect(byCode(back.options)).toEqual(byCode(p.options));
    expect(out[240 + 0]).toBe(52); // overload first in the options field
  });

  it('refuses to write an over-long file name instead of truncating', () => {
    expect(() => encodePacket(reply([], { file: 'f'.repeat(128) }))).toThrow(/file/);
  });

  it('three ways: predicted length, decoder consumes all, re-encode identical', () => {
    const p = reply([option.messageType(MessageType.OFFER), option.ips(Opt.DNS, ['10.0.0.2', '10.0.0.3']), option.u32(Opt.LEASE_TIME, 3600)]);
    const a = encodePacket(p);
    expect(encodingLength(p)).toBe(a.length);
    const b = encodePacket(decodePacket(a));
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
  });

  it('any option list: the encoded length is the predicted one and decoding gives the options back, 82 last', () => {
    const opt = fc.record({ code: fc.integer({ min: 1, max: 254 }).filter((c) => c !== Opt.OVERLOAD), data: fc.uint8Array({ maxLength: 300 }) });
    fc.assert(
      fc.property(fc.uniqueArray(opt, { selector: (o) => o.code, maxLength: 8 }), (options) => {
        const p = reply(options);
        let bytes: Uint8Array;
        try {
          bytes = encodePacket(p, { maxLength: 1500 });
        } catch (e) {
          expect(e).toBeInstanceOf(RangeError); // more than fits even with overload
          return;
        }
        expect(bytes.length).toBe(encodingLength(p, { maxLength: 1500 }));
        // A stray option 52 sends the encoder down the general layout path, which drops it
        // when everything fits: both paths must give the same bytes.
        const viaLayout = encodePacket({ ...p, options: [...options, { code: Opt.OVERLOAD, data: Uint8Array.of(3) }] }, { maxLength: 1500 });
        expect(Buffer.from(viaLayout).equals(Buffer.from(bytes))).toBe(true);
        const back = decodePacket(bytes).options.map((o) => ({ code: o.code, data: Uint8Array.from(o.data) }));
        const want = [...options.filter((o) => o.code !== Opt.RELAY_AGENT_INFO), ...options.filter((o) => o.code === Opt.RELAY_AGENT_INFO)];
        expect(back).toEqual(want.map((o) => ({ code: o.code, data: Uint8Array.from(o.data) })));
      }),
      { numRuns: 2000 },
    );
  });
});
