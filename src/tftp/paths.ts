import { TftpErrorCode } from '../wire/tftp/packet.js';

/** A request TFTP answers with an ERROR packet: the code, the text the client sees, a metric kind. */
export interface Refusal {
  code: number;
  message: string;
  /** Label of rackboot_tftp_errors_total. */
  kind: 'not_found' | 'access' | 'illegal' | 'busy' | 'backend' | 'io';
  /** For the log line: why, in the admin's words. */
  reason: string;
}

export const refuse = (code: number, kind: Refusal['kind'], message: string, reason = message): Refusal => ({
  code,
  kind,
  message,
  reason,
});

/**
 * A requested file name as a path relative to the TFTP roots, or a refusal:
 * - a NUL byte is refused (access violation);
 * - `\` is read as `/` (Windows-style loaders, e.g. `pxelinux.cfg\default`);
 * - leading `/` is relative to the roots, as tftpd-hpa -s does;
 * - `.` and empty segments are dropped and `..` is resolved lexically; a `..` that would
 *   climb above the root is refused (access violation).
 * Symlinks are checked later, against the real path (see open.ts).
 */
export function normalizeRequestPath(raw: string): { path: string } | Refusal {
  if (raw.includes('\0')) return refuse(TftpErrorCode.ACCESS_VIOLATION, 'access', 'Access violation', 'file name contains a NUL byte');
  const out: string[] = [];
  for (const seg of raw.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0)
        return refuse(TftpErrorCode.ACCESS_VIOLATION, 'access', 'Access violation', '".." leaves the TFTP root');
      out.pop();
    } else out.push(seg);
  }
  if (out.length === 0) return refuse(TftpErrorCode.FILE_NOT_FOUND, 'not_found', 'File not found', 'empty file name');
  return { path: out.join('/') };
}

/** The `<name>` of a request ending in `pxelinux.cfg/<name>`, under any prefix. */
export function pxelinuxConfigName(path: string): string | undefined {
  const m = /(?:^|\/)pxelinux\.cfg\/([^/]+)$/.exec(path);
  return m?.[1];
}
