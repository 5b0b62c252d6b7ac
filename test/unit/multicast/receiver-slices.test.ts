import { describe, expect, it } from 'vitest';
import { IncomingSlice, SliceWindow } from '../../../src/multicast/receiver-slices.js';
import { bitIsSet } from '../../../src/wire/udpcast/index.js';

describe('IncomingSlice', () => {
  it('stores blocks once, checks their length (only the last may be short), and completes', () => {
    const s = new IncomingSlice(0, 2500, 1000);
    expect(s.blocks).toBe(3);
    expect(s.put(2, new Uint8Array(500).fill(3))).toBe(true);
    expect(s.put(2, new Uint8Array(500))).toBe(false); // duplicate
    expect(s.put(0, new Uint8Array(999))).toBe(false); // a short block that is not the last
    expect(s.put(3, new Uint8Array(1000))).toBe(false); // past the slice
    expect(s.put(0, new Uint8Array(1000).fill(1))).toBe(true);
    expect(s.complete).toBe(false);
    expect(bitIsSet(s.received, 0) && !bitIsSet(s.received, 1) && bitIsSet(s.received, 2)).toBe(true);
    expect(s.put(1, new Uint8Array(1000).fill(2))).toBe(true);
    expect(s.complete).toBe(true);
    expect([s.data[0], s.data[1000], s.data[2499]]).toEqual([1, 2, 3]);
  });
});

describe('SliceWindow', () => {
  it('drains complete slices in order only, the zero-byte end slice included', () => {
    const w = new SliceWindow(1000);
    const s1 = w.get(1, 1000)!;
    s1.put(0, new Uint8Array(1000));
    expect([...w.drain()]).toEqual([]); // slice 0 still missing
    w.get(2, 0); // the end slice, complete at once
    const s0 = w.get(0, 2000)!;
    s0.put(0, new Uint8Array(1000));
    s0.put(1, new Uint8Array(1000));
    expect([...w.drain()].map((s) => [s.index, s.bytes])).toEqual([
      [0, 2000],
      [1, 1000],
      [2, 0],
    ]);
    expect(w.next).toBe(3);
  });

  it('refuses slices already written, too far ahead, too big, or announced with another size', () => {
    const w = new SliceWindow(1000, 2);
    expect(w.get(2, 1000)).toBeNull(); // next is 0, window 2
    expect(w.get(0, 1025 * 1000)).toBeNull(); // more than 1024 blocks
    expect(w.get(0, 1000)).not.toBeNull();
    expect(w.get(0, 2000)).toBeNull(); // size disagrees with the first announcement
    w.get(0, 1000)!.put(0, new Uint8Array(1000));
    [...w.drain()];
    expect(w.get(0, 1000)).toBeNull();
  });
});
