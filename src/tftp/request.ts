import type { FileHandle } from 'node:fs/promises';
import type { BootBackend } from '../boot/backend.js';
import { overlayArchiveMac } from '../node/overlays/backend.js';
import { TftpErrorCode, type RequestPacket } from '../wire/tftp/packet.js';
import type { Mount } from './mounts.js';
import { openFileFromMounts } from './open.js';
import { normalizeRequestPath, pxelinuxConfigName, refuse, type Refusal } from './paths.js';

/** What a transfer sends: an open file (by fd, readable from a worker thread) or rendered bytes. */
export type Body = { kind: 'file'; fd: number; size: number } | { kind: 'bytes'; bytes: Uint8Array };

export interface Opened {
  /** The request path, slashes normalised, relative to the roots. */
  path: string;
  body: Body;
  netascii: boolean;
  /** The file the listener opened; closed once the transfer ends. */
  handle?: FileHandle;
}

/**
 * A read request → the bytes to send, or the ERROR to answer with. Files ending in
 * `pxelinux.cfg/<name>` come from the backend's renderer (once per transfer, so tsize
 * matches); everything else from the mounts. Mode netascii means the RFC 1350 line-end
 * conversion; "mail" and unknown modes are illegal operations.
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
  const netascii = mode === 'netascii';
  const overlayMac = overlayArchiveMac(path);
  if (overlayMac !== undefined && backend?.renderOverlay) return openOverlay(backend.renderOverlay.bind(backend), overlayMac, clientIp, path, netascii);
  const cfgName = backend ? pxelinuxConfigName(path) : undefined;
  if (backend && cfgName !== undefined) {
    let bytes: Buffer | undefined;
    try {
      bytes = backend.renderPxelinuxConfig(cfgName, clientIp);
    } catch (e) {
      return refuse(TftpErrorCode.NOT_DEFINED, 'backend', 'Cannot render file', `renderer failed: ${(e as Error).message}`);
    }
    if (bytes === undefined) return refuse(TftpErrorCode.FILE_NOT_FOUND, 'not_found', 'File not found', 'renderer has no such config');
    return { path, body: { kind: 'bytes', bytes }, netascii };
  }
  const found = await openFileFromMounts(path, mounts);
  if ('code' in found) return found;
  return { path, body: { kind: 'file', fd: found.handle.fd, size: found.size }, netascii, handle: found.handle };
}

/** `overlay/<mac>.cpio`: the node's overlay, rendered for it; any other address gets an access violation. */
function openOverlay(render: NonNullable<BootBackend['renderOverlay']>, mac: string, clientIp: string, path: string, netascii: boolean): Opened | Refusal {
  let r: ReturnType<typeof render>;
  try {
    r = render(mac, clientIp);
  } catch (e) {
    return refuse(TftpErrorCode.NOT_DEFINED, 'backend', 'Cannot render file', `overlay renderer failed: ${(e as Error).message}`);
  }
  if (!r.ok && r.refusal === 'forbidden') return refuse(TftpErrorCode.ACCESS_VIOLATION, 'access', 'Access violation', r.message);
  if (!r.ok) return refuse(TftpErrorCode.FILE_NOT_FOUND, 'not_found', 'File not found', r.message);
  return { path, body: { kind: 'bytes', bytes: r.bytes }, netascii };
}
