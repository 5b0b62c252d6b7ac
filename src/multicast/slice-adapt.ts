import type { SenderOptions } from './sender-types.js';

/**
 * After each slice: grow slices ×1.25 (to the maximum) while loss stays light, halve them
 * on heavy loss (udp-sender's rule, with a loss threshold so 1% random loss does not pin
 * slices at their minimum). With autoRate and a maxBitrate, pace AIMD-like between 25%
 * and 100% of maxBitrate: a slice that needed more than 5% of its blocks again means a
 * receiver or the path overflowed (−10%); a light-loss slice earns +2%. Pure.
 */
export function adaptToLoss(
  slice: { blocks: number; resent: number },
  sliceBlocks: number,
  rate: number | null,
  o: Pick<SenderOptions, 'sliceBlocks' | 'maxBitrate' | 'autoRate'>,
): { sliceBlocks: number; rate: number | null } {
  const { min, max } = o.sliceBlocks;
  const loss = slice.blocks > 0 ? slice.resent / slice.blocks : 0;
  let blocks = sliceBlocks;
  if (loss <= 0.015) blocks = Math.min(max, Math.ceil(sliceBlocks * 1.25));
  else if (loss > 0.2) blocks = Math.max(min, Math.floor(sliceBlocks / 2));
  const ceiling = o.maxBitrate;
  if (!o.autoRate || ceiling === null || rate === null || slice.blocks < 16) return { sliceBlocks: blocks, rate };
  if (loss > 0.05) return { sliceBlocks: blocks, rate: Math.max(0.25 * ceiling, 0.9 * rate) };
  if (loss <= 0.015) return { sliceBlocks: blocks, rate: Math.min(ceiling, 1.02 * rate) };
  return { sliceBlocks: blocks, rate };
}
