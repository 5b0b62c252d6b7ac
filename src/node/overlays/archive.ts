import { createHash } from 'node:crypto';
import { encodeCpio, type CpioEntry } from '../cpio.js';
import type { OverlayFile } from './render.js';

/**
 * The node's overlay as a newc cpio archive, uncompressed (the initrd unpacks it with busybox
 * cpio over the new root; an overlay is a few kilobytes, so gzip would buy nothing).
 * Owner root:root, mtime 0: the same inventory gives the same bytes.
 */
export function overlayArchive(files: readonly OverlayFile[]): Buffer {
  return encodeCpio(files.map((f): CpioEntry => (f.kind === 'file' ? { kind: 'file', path: f.path, data: f.data, mode: f.mode } : f)));
}

const octal = (mode: number): string => mode.toString(8).padStart(4, '0');

/**
 * `rackboot render --what overlay`: every entry with its mode or link target, then the
 * content of each file, exactly as the archive holds it.
 */
export function describeOverlay(files: readonly OverlayFile[]): string {
  const parts: string[] = [];
  for (const f of files) {
    if (f.kind === 'dir') parts.push(`=== /${f.path}/ dir ${octal(f.mode)}\n`);
    else if (f.kind === 'symlink') parts.push(`=== /${f.path} symlink -> ${f.target}\n`);
    else {
      const text = f.data.toString('utf8');
      const printable = !text.includes('\ufffd') && !/[\u0000-\u0008\u000e-\u001f]/.test(text);
      parts.push(`=== /${f.path} file ${octal(f.mode)} ${f.data.length} bytes\n`);
      if (!printable) parts.push(`(binary, sha256 ${createHash('sha256').update(f.data).digest('hex')})\n`);
      else parts.push(text.endsWith('\n') || text === '' ? text : `${text}\n(no newline at end of file)\n`);
    }
  }
  return parts.join('');
}
