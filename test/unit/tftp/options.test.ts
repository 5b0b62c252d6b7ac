import { describe, expect, it } from 'vitest';
import { negotiate } from '../../../src/tftp/options.js';

const limits = { maxBlksize: 1468, maxWindowsize: 64 };

describe('RFC 2347 option negotiation', () => {
  it('no options: 512-byte lock-step, no OACK', () => {
    expect(negotiate([], limits, 100)).toEqual({ blksize: 512, windowsize: 1, timeoutMs: undefined, oack: [] });
  });

  it('names are case-insensitive and echoed as sent; tsize carries the real size', () => {
    const n = negotiate(
      [
        ['TSIZE', '0'],
        ['BlkSize', '1400'],
        ['WINDOWSIZE', '16'],
        ['Timeout', '3'],
      ],
      limits,
      123456,
    );
    expect(n).toEqual({
      blksize: 1400,
      windowsize: 16,
      timeoutMs: 3000,
      oack: [
        ['TSIZE', '123456'],
        ['BlkSize', '1400'],
        ['WINDOWSIZE', '16'],
        ['Timeout', '3'],
      ],
    });
  });

  it('clamps blksize and windowsize to the configured maxima instead of refusing', () => {
    const n = negotiate(
      [
        ['blksize', '65464'],
        ['windowsize', '1000'],
      ],
      limits,
      1,
    );
    expect(n.blksize).toBe(1468);
    expect(n.windowsize).toBe(64);
    expect(n.oack).toEqual([
      ['blksize', '1468'],
      ['windowsize', '64'],
    ]);
    expect(negotiate([['blksize', '99999']], { maxBlksize: 65464, maxWindowsize: 1 }, 1).blksize).toBe(65464);
  });

  it.each([
    ['blksize', '7'],
    ['blksize', 'big'],
    ['blksize', '-512'],
    ['windowsize', '0'],
    ['windowsize', '65536'],
    ['timeout', '0'],
    ['timeout', '256'],
    ['timeout', '1.5'],
    ['tsize', 'x'],
    ['multicast', ''],
    ['rollover', '0'],
  ])('ignores %s=%s (left out of the OACK)', (name, value) => {
    const n = negotiate([[name, value]], limits, 10);
    expect(n.oack).toEqual([]);
    expect(n.blksize).toBe(512);
    expect(n.windowsize).toBe(1);
  });

  it('leaves tsize out when the size is unknown (netascii)', () => {
    expect(negotiate([['tsize', '0']], limits, undefined).oack).toEqual([]);
  });

  it('a repeated option counts once', () => {
    expect(negotiate([['blksize', '1000'], ['BLKSIZE', '800']], limits, 1).oack).toEqual([['blksize', '1000']]);
  });
});
