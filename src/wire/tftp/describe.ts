import type { TftpPacket } from './packet.js';

/**
 * A packet as text, one field per line: the checked-in rendering golden tests compare
 * with, and what trace logging prints. DATA shows its length and first bytes in hex.
 */
export function describePacket(p: TftpPacket): string {
  const lines: string[] = [p.op.toUpperCase()];
  switch (p.op) {
    case 'rrq':
    case 'wrq':
      lines.push(`filename: ${JSON.stringify(p.filename)}`, `mode: ${JSON.stringify(p.mode)}`);
      for (const [k, v] of p.options) lines.push(`option: ${JSON.stringify(k)} = ${JSON.stringify(v)}`);
      break;
    case 'oack':
      for (const [k, v] of p.options) lines.push(`option: ${JSON.stringify(k)} = ${JSON.stringify(v)}`);
      break;
    case 'data':
      lines.push(`block: ${p.block}`, `length: ${p.data.length}`, `data: ${Buffer.from(p.data.subarray(0, 32)).toString('hex')}`);
      break;
    case 'ack':
      lines.push(`block: ${p.block}`);
      break;
    case 'error':
      lines.push(`code: ${p.code}`, `message: ${JSON.stringify(p.message)}`);
      break;
  }
  return lines.join('\n') + '\n';
}
