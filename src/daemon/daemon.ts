import { createServer, type Server } from 'node:http';
import type { CliContext } from '../cli/context.js';
import { loadConfig, type Config } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { Metrics } from '../metrics.js';
import { openInventory } from '../inventory/open.js';
import { registerOverlayMetrics } from '../node/overlays/metrics.js';
import { resolveServerAddress } from '../netinfo.js';
import { startTftpServer, defaultMounts } from '../tftp/server.js';
import { startDhcpServer } from '../dhcp/server.js';
import { createApp } from '../api/app.js';
import { PushManager } from '../multicast/manager.js';
import { AutoPush, pushStarter } from '../multicast/auto-push.js';
import { nodesBootingImage } from '../store/booting.js';
import type { Database } from '../store/db.js';
import { explainBindError } from './bind-errors.js';
import { startupChecks } from '../check/run.js';

interface Running {
  close(): Promise<void>;
}

function listenHttp(server: Server, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (e) => reject(explainBindError('HTTP', 'tcp', address, port, e)));
    server.listen(port, address, () => resolve());
  });
}

/** Start every enabled service on one inventory; the returned handles close them. */
export async function startServices(config: Config, db: Database, logger: Logger, metrics: Metrics): Promise<Running[]> {
  const { inventory, backend, renderer, overlays } = openInventory(db, config);
  registerOverlayMetrics(metrics.registry, overlays);
  const serverAddress = resolveServerAddress(config.serverAddress, config.dhcp.interface ?? config.interface);
  const running: Running[] = [];
  const iface = config.dhcp.interface ?? config.interface ?? 'any interface';
  try {
    if (config.dhcp.mode !== 'off') {
      const dhcp = await startDhcpServer({
        config: config.dhcp,
        db,
        backend,
        serverAddress,
        ipxeScriptUrl: (mac) => `http://${serverAddress}:${config.http.port}/boot/${mac}.ipxe`,
        logger,
        metrics,
      }).catch((e: unknown) => {
        throw explainBindError('DHCP', 'udp', config.dhcp.listenAddress, config.dhcp.serverPort, e);
      });
      running.push(dhcp);
      const ports = config.dhcp.mode === 'proxy' ? `${config.dhcp.serverPort} and ${config.dhcp.proxyPort}` : `${config.dhcp.serverPort}`;
      logger.info(
        `DHCP ${config.dhcp.mode === 'full' ? 'server (assigns addresses)' : 'proxy (boot information only, beside your DHCP server)'} on ${iface}, UDP port ${ports}, as ${serverAddress}; ${config.dhcp.subnets.length} subnet(s)${config.dhcp.authoritative ? ', authoritative' : ''}`,
      );
    } else {
      logger.info('DHCP off (dhcp.mode: off): nodes must get their address and boot file from another DHCP server');
    }
    if (config.tftp.enabled) {
      const mounts = defaultMounts(config);
      const tftp = await startTftpServer({ config: config.tftp, mounts, backend, logger, metrics }).catch((e: unknown) => {
        throw explainBindError('TFTP', 'udp', config.tftp.address, config.tftp.port, e);
      });
      running.push(tftp);
      logger.info(`TFTP on ${tftp.address}:${tftp.port} serving ${mounts.map((m) => `${m.prefix || '/'} → ${m.dir}`).join(', ')}; pxelinux.cfg/* rendered from the inventory`);
    }
    let pushes: PushManager | undefined;
    let autoPush: AutoPush | undefined;
    if (config.multicast.enabled) {
      pushes = new PushManager({ db, config, log: logger, metrics });
      const manager = pushes;
      const settings = config.multicast.autoPush;
      // Nodes seen booting in the last six windows may still ask; older stages are stale.
      const booting = (image: string): number[] =>
        nodesBootingImage(db, image, new Date(Date.now() - settings.maxWait * 6000).toISOString(), config.boot.defaultProfile);
      const auto = new AutoPush(settings, pushStarter(manager, settings.joinWait), logger.child({ subsystem: 'auto-push' }), booting);
      autoPush = auto;
      running.push({
        close: () => {
          auto.close();
          return manager.close();
        },
      });
      logger.info(`multicast pushes available through the API (udpcast protocol, port base ${config.multicast.portBase}, ${config.multicast.duplex} duplex)`);
    }
    if (config.http.enabled) {
      // http.bootFiles: false keeps iPXE scripts and report-back but serves no files over HTTP.
      const mounts = config.http.bootFiles ? defaultMounts(config) : [];
      const app = createApp({ db, inventory, backend, renderer, config, logger, metrics, pushes, autoPush, mounts });
      const server = createServer(app);
      await listenHttp(server, config.http.address, config.http.port);
      running.push({
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
      logger.info(`HTTP on ${config.http.address}:${config.http.port}: iPXE scripts /boot/<mac>.ipxe, boot files /boot/files/, report-back /report, API /api/v1, web page /`);
    }
  } catch (e) {
    await Promise.allSettled(running.map((r) => r.close()));
    throw e;
  }
  return running;
}

/** `rackboot serve`: run until SIGTERM/SIGINT; SIGHUP re-reads the config file and restarts the services with it. */
export async function runDaemon(ctx: CliContext, opts: { logLevel?: string }): Promise<void> {
  let config = ctx.config();
  const logger = createLogger(opts.logLevel ?? config.logLevel, config.logFormat === 'auto' ? undefined : config.logFormat);
  const db = ctx.db();
  const metrics = new Metrics();
  logger.info(`rackboot: inventory ${config.database}${config.configFile ? `, config ${config.configFile}` : ' (embedded default config)'}`);
  // `rackboot check`'s offline checks: warnings only, serve starts anyway (docs/check.md).
  for (const r of await startupChecks(config, db)) logger.warn({ check: r.check, status: r.status }, `check ${r.check}: ${r.message}`);
  let running = await startServices(config, db, logger, metrics);
  logger.info('rackboot is ready');

  await new Promise<void>((resolve) => {
    let busy = Promise.resolve();
    const onHup = (): void => {
      busy = busy.then(async () => {
        if (!config.configFile) return void logger.info('SIGHUP: no config file to reload (embedded default)');
        let next: Config;
        try {
          next = { ...loadConfig(config.configFile), database: config.database };
        } catch (e) {
          return void logger.error(`SIGHUP: config not reloaded, keeping the running one: ${(e as Error).message}`);
        }
        await Promise.allSettled(running.map((r) => r.close()));
        try {
          running = await startServices(next, db, logger, metrics);
          config = next;
          logger.info('SIGHUP: config reloaded');
        } catch (e) {
          logger.error(`SIGHUP: new config failed to start (${(e as Error).message}); restarting with the previous one`);
          running = await startServices(config, db, logger, metrics);
        }
      });
    };
    const stop = (sig: string): void => {
      process.off('SIGHUP', onHup);
      logger.info(`${sig}: shutting down`);
      void busy.then(() => Promise.allSettled(running.map((r) => r.close()))).then(() => resolve());
    };
    process.on('SIGHUP', onHup);
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  db.close();
  logger.info('rackboot stopped');
}
