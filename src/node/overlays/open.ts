import type { Database } from 'better-sqlite3';
import type { Renderer } from '../../boot/renderer.js';
import type { Config } from '../../config.js';
import { resolveServerAddress } from '../../netinfo.js';
import { templatesDir } from '../../paths.js';
import { builtinOverlaysDir, OverlayCatalog } from './catalog.js';
import { NodeOverlays } from './service.js';

/** Overlay folders in search order: the admin's `overlaysDir` first, then the built-in ones. */
export const overlayDirs = (config: Config): string[] => (config.overlaysDir ? [config.overlaysDir, builtinOverlaysDir()] : [builtinOverlaysDir()]);

/** The per-node overlays as the daemon and the CLI use them, from the config. */
export function createNodeOverlays(db: Database, config: Config, renderer: Renderer): NodeOverlays {
  return new NodeOverlays(db, {
    catalog: new OverlayCatalog(overlayDirs(config)),
    renderer,
    templateDirs: config.templatesDir ? [config.templatesDir, templatesDir()] : [templatesDir()],
    server: { address: resolveServerAddress(config.serverAddress, config.interface), httpPort: config.http.port },
  });
}
