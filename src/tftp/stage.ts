import type { BootBackend } from '../boot/backend.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

/**
 * After a completed transfer: the node at `clientIp` (fixed address or lease) reached the
 * boot stage this file means (loader, config, kernel, initrd), `agoMs` ago when known
 * late. A failing backend is
 * logged and counted; it never reaches the socket loop.
 */
export function recordBootStage(backend: BootBackend, clientIp: string, path: string, log: Logger, metrics: Metrics, agoMs?: number): void {
  try {
    const node = backend.nodeByIp(clientIp);
    if (!node) return;
    const stage = backend.stageForFile(node, path);
    if (stage) backend.recordStage(node, stage, path, agoMs);
  } catch (e) {
    metrics.tftpErrors.inc({ kind: 'backend' });
    log.error({ err: e, client: clientIp, path }, 'backend failed while recording the boot stage');
  }
}
