import { BITMAP_BYTES } from './constants.js';

/** udpcast bitmaps are LSB-first: bit n lives in byte n >> 3 under mask 1 << (n & 7). */
export function newBitmap(): Uint8Array {
  return new Uint8Array(BITMAP_BYTES);
}

export function bitSet(map: Uint8Array, n: number): void {
  map[n >> 3]! |= 1 << (n & 7);
}

export function bitIsSet(map: Uint8Array, n: number): boolean {
  return (map[n >> 3]! & (1 << (n & 7))) !== 0;
}

export function bitClear(map: Uint8Array, n: number): void {
  map[n >> 3]! &= ~(1 << (n & 7));
}
