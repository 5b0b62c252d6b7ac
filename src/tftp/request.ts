import type { BootBackend } from '../boot/backend.js';
import { TftpErrorCode, type RequestPacket } from '../wire/tftp/packet.js';
import type { Mount } from './mounts.js';
import { openFromMounts } from './open.js';
import { normalizeRequestPath, pxelinuxConfigName, refuse, type Refusal } from './paths.js';
import { BufferSource, NetasciiSource, type Source } from './source.js';

export interface Opened {
  /** The request path, slashes normalised, relative to the roots. */
  path: string;
  source: Source;
  rendered: boolean;
}

/**
 * A read request → the bytes to send, or the ERROR to answer with. Files ending in
 * `pxelinux.cfg/<name>` come from the backend's renderer (once per transfer, so tsize
 * matches); everything else from the mounts. Mode netascii wraps the source in the
 * RFC 1350 line-end conversion; "mail" and unknown modes are illegal operations.
 */
export async function openRequest(
  req: RequestPacket,
  clientIp: string,
  mounts: readonly Mount[],
  backend: BootBackend | undefined,
): Promise<Opened | Refusal> {
  const mode = req.mode.toLowerCase();
  if (mode !== 'octet' && mode !== 'netascii')
    return refuse(TftpErrorCode.ILLEGAL_OPERATION, 'illegal', 'Unknown transfer mode', `mode "${req.mode}"`);
  const normal = normalizeRequestPath(req.filename);
  if (!('path' in normal)) return normal;
  const { path } = normal;
  let source: Source;
  let rendered = false;
  const cfgName = backend ? pxelinuxConfigName(path) : undefined;
  if (backend && cfgName !== undefined) {
    let bytes: Buffer | undefined;
    try {
      bytes = backend.renderPxelinuxConfig(cfgName, clientIp);
    } catch (e) {
      return refuse(TftpErrorCode.NOT_DEFINED, 'backend', 'Cannot render file', `renderer failed: ${(e as Error).message}`);
    }
    if (bytes === undefined) return refuse(TftpErrorCode.FILE_NOT_FOUND, 'not_found', 'File not found', 'renderer has no such config');
    source = new BufferSource(bytes);
    rendered = true;
  } else {
    const found = await openFromMounts(path, mounts);
    if ('code' in found) return found;
    source = found;
  }
  return { path, source: mode === 'netascii' ? new NetasciiSource(source) : source, rendered };
}
