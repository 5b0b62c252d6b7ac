import type { Database } from 'better-sqlite3';
import type { BootBackend } from '../boot/backend.js';
import { Renderer } from '../boot/renderer.js';
import type { Config } from '../config.js';
import { resolveServerAddress } from '../netinfo.js';
import { templatesDir } from '../paths.js';
import { createBootBackend } from './boot-backend.js';
import { Inventory } from './inventory.js';

/** Base URL of boot files over HTTP (used in iPXE scripts). */
export function httpBase(config: Config): string {
  return `http://${resolveServerAddress(config.serverAddress, config.interface)}:${config.http.port}/boot/files`;
}

export function createRenderer(config: Config): Renderer {
  const dirs = config.templatesDir ? [config.templatesDir, templatesDir()] : [templatesDir()];
  const server = `http://${resolveServerAddress(config.serverAddress, config.interface)}:${config.http.port}`;
  return new Renderer({
    templateDirs: dirs,
    httpBase: `${server}/boot/files`,
    push: { portBase: config.multicast.portBase, reportUrl: `${server}/report` },
  });
}

/** The inventory services and the boot backend over one database, as the daemon and CLI use them. */
export function openInventory(db: Database, config: Config, clock: () => number = Date.now): { inventory: Inventory; backend: BootBackend; renderer: Renderer } {
  const renderer = createRenderer(config);
  const inventory = new Inventory(db, renderer, { imagesDir: config.imagesDir, clock });
  const backend = createBootBackend(db, renderer, { unknown: config.boot.unknown, defaultProfile: config.boot.defaultProfile }, clock);
  return { inventory, backend, renderer };
}
