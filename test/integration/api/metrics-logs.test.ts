import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import { parseConfig } from '../../../src/config.js';
import { openInventory } from '../../../src/inventory/open.js';
import { createLogger } from '../../../src/log.js';
import { Metrics } from '../../../src/metrics.js';
import { createToken } from '../../../src/store/tokens.js';
import { close, listen, requestFrom, tempDatabase } from './helpers.js';

describe('/metrics and debug logs', () => {
  let server: Server | undefined;
  let t: ReturnType<typeof tempDatabase> | undefined;
  afterEach(async () => {
    if (server) await close(server);
    t?.cleanup();
  });

  async function start(http: Record<string, unknown>) {
    t = tempDatabase();
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
        cb();
      },
    });
    const config = parseConfig({ serverAddress: '127.0.0.1', http }, t.dir);
    const { inventory, backend } = openInventory(t.db, config);
    const metrics = new Metrics();
    const app = createApp({ db: t.db, inventory, backend, config, logger: createLogger('debug', 'json', sink), metrics });
    server = createServer(app);
    return { base: await listen(server), lines, inventory, metrics, db: t.db };
  }

  it('serves every rackboot metric, with nodes by stage read from the database on each scrape', async () => {
    const s = await start({});
    s.inventory.nodes.add({ mac: '52:54:00:00:00:01', hostname: 'a', ip: '127.0.0.2' });
    s.inventory.nodes.add({ mac: '52:54:00:00:00:02', hostname: 'b' });
    s.metrics.dhcpPackets.inc({ type: 'discover', outcome: 'offer' });
    const first = await (await fetch(`${s.base}/metrics`)).text();
    expect(first).toMatch(/^rackboot_nodes_by_stage\{stage="none"\} 2$/m);
    for (const name of ['rackboot_dhcp_packets_total', 'rackboot_dhcp_leases', 'rackboot_tftp_transfers_total', 'rackboot_tftp_bytes_total', 'rackboot_tftp_transfer_seconds', 'rackboot_push_bytes_total', 'rackboot_push_receivers']) {
      expect(first).toContain(`# TYPE ${name} `);
    }
    expect(first).toMatch(/^rackboot_dhcp_packets_total\{type="discover",outcome="offer"\} 1$/m);
    await requestFrom(`${s.base}/report`, '127.0.0.2');
    const second = await (await fetch(`${s.base}/metrics`)).text();
    expect(second).toMatch(/^rackboot_nodes_by_stage\{stage="none"\} 1$/m);
    expect(second).toMatch(/^rackboot_nodes_by_stage\{stage="up"\} 1$/m);
  });

  it('asks for a token on /metrics when http.metricsAuth is set', async () => {
    const s = await start({ metricsAuth: true });
    expect((await fetch(`${s.base}/metrics`)).status).toBe(401);
    const token = createToken(s.db, { name: 'prometheus', readOnly: true }).token;
    expect((await fetch(`${s.base}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('logs one debug line per request and per served boot file', async () => {
    const s = await start({});
    s.inventory.nodes.add({ mac: '52:54:00:00:00:01', hostname: 'a', ip: '127.0.0.2' });
    await requestFrom(`${s.base}/boot/52-54-00-00-00-01.ipxe`, '127.0.0.2');
    await new Promise((r) => setTimeout(r, 20));
    const served = s.lines.find((l) => l.msg === 'served iPXE script');
    expect(served).toMatchObject({ level: 20, ip: '127.0.0.2', mac: '52:54:00:00:00:01' });
    const req = s.lines.find((l) => l.msg === 'http request');
    expect(req).toMatchObject({ level: 20, method: 'GET', path: '/boot/52-54-00-00-00-01.ipxe', status: 200, ip: '127.0.0.2' });
  });
});
