import type { Response } from 'express';
import { AuthError, NotFoundError, RackbootError, ValidationError } from '../errors.js';
import type { Refusal } from '../tftp/paths.js';
import type { Source } from '../tftp/source.js';

const CHUNK = 256 * 1024;

/** A TFTP refusal (same mounts, same path rules) as the typed error the API table maps. */
export function refusalError(path: string, r: Refusal): RackbootError {
  switch (r.kind) {
    case 'not_found':
      return new NotFoundError(`no boot file ${path}`);
    case 'access':
      return new AuthError('forbidden', `boot file ${path} refused: ${r.reason}`);
    case 'illegal':
      return new ValidationError(`${path}: ${r.reason}`, 'path');
    default:
      return new RackbootError('io', `boot file ${path}: ${r.reason}`);
  }
}

/**
 * Send a TFTP source (an already opened, checked file) as the body, honouring
 * back-pressure; the file is never read whole. Resolves true when every byte was written.
 */
export async function sendSource(res: Response, source: Source, head: boolean): Promise<boolean> {
  try {
    res.status(200).type('application/octet-stream');
    if (source.size !== undefined) res.set('Content-Length', String(source.size));
    if (head) {
      res.end();
      return true;
    }
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const n = await source.read([buf]);
      if (n === 0) break;
      if (res.destroyed) return false;
      if (!res.write(n === CHUNK ? buf : buf.subarray(0, n))) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
      if (n < CHUNK) break;
    }
    res.end();
    return !res.destroyed;
  } finally {
    await source.close();
  }
}
