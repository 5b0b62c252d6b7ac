import type { Database } from 'better-sqlite3';
import type { BootBackend } from '../boot/backend.js';
import { Renderer } from '../boot/renderer.js';
import type { Config } from '../config.js';
import { resolveServerAddress } from '../netinfo.js';
import { templatesDir } from '../paths.js';
import { createNodeOverlays } from '../node/overlays/open.js';
import type { NodeOverlays } from '../node/overlays/service.js';
import { createBootBackend } from './boot-backend.js';
import { Inventory } from './inventory.js';

/** Base URL of boot files over HTTP (used in iPXE scripts). */
export function httpBase(config: Config): string {
  return `http://${resolveServerAddress(config.serverAddress, config.interface)}:${config.http.port}/boot/files`;
}

export function createRenderer(config: Config): Renderer {
  const dirs = config.templatesDir ? [config.templatesDir, templatesDir()] : [templatesDir()];
  const hostPort = `${resolveServerAddress(config.serverAddress, config.interface)}:${config.http.port}`;
  const server = `http://${hostPort}`;
  return new Renderer({
    templateDirs: dirs,
    server: hostPort,
    httpBase: `${server}/boot/files`,
    push: { portBase: config.multicast.portBase, reportUrl: `${server}/report` },
  });
}

/** The inventory services and the boot backend over one database, as the daemon and CLI use them. */
export function openInventory(
  db: Database,
  config: Config,
  clock: () => number = Date.now,
): { inventory: Inventory; backend: BootBackend; renderer: Renderer; overlays: NodeOverlays } {
  const renderer = createRenderer(config);
  const inventory = new Inventory(db, renderer, { imagesDir: config.imagesDir, clock });
  const overlays = createNodeOverlays(db, config, renderer);
  inventory.profiles.overlayNames = () => overlays.catalog.names(); // profiles may name the admin's overlays too
  const backend = createBootBackend(db, renderer, { unknown: config.boot.unknown, defaultProfile: config.boot.defaultProfile }, clock, overlays);
  return { inventory, backend, renderer, overlays };
}
