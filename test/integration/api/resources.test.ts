import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/store/audit.js';
import { requestFrom, startApi } from './helpers.js';

type Api = Awaited<ReturnType<typeof startApi>>;

const profile = {
  name: 'krg',
  timeout: 30,
  labels: [
    { name: 'linux', kernel: 'images/vmlinuz-2.6.20-krg', initrds: ['images/initrd-krg.img'], args: 'root=/dev/nfs ro' },
    { name: 'local', localboot: 0 },
  ],
};

describe('REST resources over the inventory (real HTTP, temporary SQLite file)', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.stop());

  it('creates clusters and profiles, refusing duplicates (409) and bad fields (422 naming the field)', async () => {
    expect((await api.call('POST', '/api/v1/clusters', { name: 'kerrighed', sessionId: 7, nbmin: 2 })).status).toBe(201);
    const dup = await api.call('POST', '/api/v1/clusters', { name: 'kerrighed' });
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe('conflict');
    const bad = await api.call('POST', '/api/v1/clusters', { name: 'x', sessionId: 'seven' });
    expect(bad.status).toBe(422);
    expect(bad.json.error.message).toMatch(/^sessionId: /);
    const extra = await api.call('POST', '/api/v1/clusters', { name: 'y', colour: 'red' });
    expect(extra.json.error.message).toMatch(/unknown field colour/);
    const p = await api.call('POST', '/api/v1/profiles', profile);
    expect(p.status).toBe(201);
    expect(p.json.labels).toHaveLength(2);
    expect((await api.call('GET', '/api/v1/profiles/krg')).json.timeout).toBe(30);
  });

  it('registers, lists with filters, gets, updates and deletes nodes', async () => {
    const add = await api.call('POST', '/api/v1/nodes', { mac: '00-02-B3-3F-78-8C', hostname: 'n1', ip: '127.0.0.2', cluster: 'kerrighed', rack: 'r1', profile: 'krg' });
    expect(add.status).toBe(201);
    expect(add.headers.get('location')).toBe('/api/v1/nodes/n1');
    expect(add.json).toMatchObject({ mac: '00:02:b3:3f:78:8c', hostname: 'n1', nodeId: 1, cluster: 'kerrighed', rack: 'r1' });
    await api.call('POST', '/api/v1/nodes', { mac: '00:02:b3:3f:78:8d', hostname: 'n2', ip: '127.0.0.3', cluster: 'kerrighed', rack: 'r2', profile: 'krg' });
    expect((await api.call('GET', '/api/v1/nodes')).json.map((n: { hostname: string }) => n.hostname)).toEqual(['n1', 'n2']);
    expect((await api.call('GET', '/api/v1/nodes?rack=r2')).json.map((n: { hostname: string }) => n.hostname)).toEqual(['n2']);
    expect((await api.call('GET', '/api/v1/nodes?cluster=nope')).json).toEqual([]);
    const stage = await api.call('GET', '/api/v1/nodes?stage=booting');
    expect(stage.status).toBe(422);
    expect(stage.json.error.message).toMatch(/^stage: "booting" is not a boot stage/);
    expect((await api.call('GET', '/api/v1/nodes/00:02:b3:3f:78:8d')).json.hostname).toBe('n2');
    const upd = await api.call('PATCH', '/api/v1/nodes/n2', { rack: 'r9', extraArgs: 'quiet' });
    expect(upd.json).toMatchObject({ rack: 'r9', extraArgs: 'quiet' });
    const inject = await api.call('PATCH', '/api/v1/nodes/n2', { extraArgs: 'quiet\nLABEL evil' });
    expect(inject.status).toBe(422);
    expect(inject.json.error.message).toMatch(/extra_args/);
    expect((await api.call('POST', '/api/v1/nodes', { mac: '00:02:b3:3f:78:8c', hostname: 'n3' })).status).toBe(409);
    expect((await api.call('POST', '/api/v1/nodes', { hostname: 'n3' })).json.error.message).toBe('mac: is required');
    expect((await api.call('POST', '/api/v1/nodes', { mac: 'zz', hostname: 'n3' })).json.error.message).toMatch(/^mac: "zz" is not a MAC address/);
    expect((await api.call('POST', '/api/v1/nodes', { mac: '00:02:b3:3f:78:8e', hostname: 'n3', profile: 'none' })).status).toBe(404);
    expect((await api.call('GET', '/api/v1/nodes/ghost')).status).toBe(404);
    expect((await api.call('DELETE', '/api/v1/nodes/n2')).json.hostname).toBe('n2');
    expect((await api.call('GET', '/api/v1/nodes/n2')).status).toBe(404);
  });

  it('previews the rendered pxelinux.cfg, iPXE script and kerrighed_nodes', async () => {
    const pxe = await api.call('GET', '/api/v1/nodes/n1/pxelinux.cfg');
    expect(pxe.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(pxe.text).toMatch(/^DEFAULT linux$/m);
    expect(pxe.text).toMatch(/KERNEL images\/vmlinuz-2\.6\.20-krg/);
    expect(pxe.text).toMatch(/APPEND .*root=\/dev\/nfs ro/);
    expect((await api.call('GET', '/api/v1/nodes/n1/ipxe')).text).toMatch(/^#!ipxe/);
    const krg = await api.call('GET', '/api/v1/clusters/kerrighed/kerrighed_nodes');
    expect(krg.text).toMatch(/session=7/);
    expect(krg.text).toMatch(/00:02:b3:3f:78:8c|n1|127\.0\.0\.2/);
  });

  it('records boot stages from HTTP boot files and report-back, and lists the events', async () => {
    const cfg = await requestFrom(`${api.base}/boot/files/pxelinux.cfg/01-00-02-b3-3f-78-8c`, '127.0.0.2');
    expect(cfg.status).toBe(200);
    expect((await requestFrom(`${api.base}/report?stage=up`, '127.0.0.9')).status).toBe(404);
    expect((await requestFrom(`${api.base}/report?stage=up`, '127.0.0.2')).status).toBe(200);
    const events = await api.call('GET', '/api/v1/nodes/n1/events');
    expect(events.json.map((e: { stage: string }) => e.stage)).toEqual(['config', 'up']);
    expect((await api.call('GET', '/api/v1/nodes?stage=up')).json.map((n: { hostname: string }) => n.hostname)).toEqual(['n1']);
    const metrics = await fetch(`${api.base}/metrics`);
    const text = await metrics.text();
    expect(text).toMatch(/^rackboot_nodes_by_stage\{stage="up"\} 1$/m);
    expect(text).toMatch(/^rackboot_nodes_by_stage\{stage="kernel"\} 0$/m);
  });

  it('exports dhcpd, hosts, csv and kerrighed_nodes; kerrighed needs a cluster', async () => {
    expect((await api.call('GET', '/api/v1/exports/dhcpd')).text).toMatch(/host n1 \{[\s\S]*hardware ethernet 00:02:b3:3f:78:8c;/);
    expect((await api.call('GET', '/api/v1/exports/hosts')).text).toMatch(/^127\.0\.0\.2\s+n1/m);
    const csv = await api.call('GET', '/api/v1/exports/csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text).toMatch(/00:02:b3:3f:78:8c/);
    expect((await api.call('GET', '/api/v1/exports/kerrighed')).status).toBe(422);
    expect((await api.call('GET', '/api/v1/exports/kerrighed?cluster=kerrighed')).status).toBe(200);
    expect((await api.call('GET', '/api/v1/exports/xml')).status).toBe(422);
  });

  it('imports all-or-nothing: one bad line changes nothing', async () => {
    const bad = await api.call('POST', '/api/v1/import', { format: 'csv', text: 'mac,hostname\n00:02:b3:00:00:01,c1\n00:02:b3:00:00:02,bad_name!\n' });
    expect(bad.status).toBe(422);
    expect(bad.json.error.message).toMatch(/line 3/);
    expect((await api.call('GET', '/api/v1/nodes/c1')).status).toBe(404);
    const good = await api.call('POST', '/api/v1/import', { format: 'csv', text: 'mac,hostname\n00:02:b3:00:00:01,c1\n00:02:b3:00:00:02,c2\n', rack: 'r5' });
    expect(good.json).toMatchObject({ added: 2, updated: 0, nodes: ['c1', 'c2'] });
    const plain = await api.call('POST', '/api/v1/import?format=csv', '00:02:b3:00:00:03,c3\n');
    expect(plain.json.added).toBe(1);
    expect((await api.call('GET', '/api/v1/nodes?rack=r5')).json).toHaveLength(2);
  });

  it('lists discovered machines and approves one into a node in one call', async () => {
    api.backend.recordDiscovered({ mac: '52:54:00:12:34:56', arch: 0, uuid: null, vendorClass: 'PXEClient:Arch:00000:UNDI:002001', giaddr: null, circuitId: null, remoteId: null });
    const list = await api.call('GET', '/api/v1/discovered');
    expect(list.json.map((d: { mac: string }) => d.mac)).toEqual(['52:54:00:12:34:56']);
    const ok = await api.call('POST', '/api/v1/discovered/52-54-00-12-34-56/approve', { hostname: 'd1', rack: 'r3', profile: 'krg' });
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ hostname: 'd1', mac: '52:54:00:12:34:56', rack: 'r3' });
    expect((await api.call('GET', '/api/v1/discovered')).json).toEqual([]);
    expect((await api.call('POST', '/api/v1/discovered/52:54:00:12:34:56/approve', { hostname: 'd2' })).status).toBe(404);
  });

  it('lists leases (empty before any DHCP traffic) and answers 501 for pushes without a manager', async () => {
    const leases = await api.call('GET', '/api/v1/leases');
    expect(leases.status).toBe(200);
    expect(leases.json).toEqual([]);
    const p = await api.call('GET', '/api/v1/pushes');
    expect(p.status).toBe(501);
    expect(p.json.error.message).toMatch(/multicast pushes are not available/);
  });

  it('audits every mutation with the token name and what changed', () => {
    const rows = listAudit(api.db, { limit: 1000 });
    const adds = rows.filter((r) => r.method === 'POST' && r.path === '/api/v1/nodes' && r.status === 201).reverse();
    expect(adds.map((r) => r.tokenName)).toEqual(['admin', 'admin']);
    expect(JSON.parse(adds[0]!.change)).toMatchObject({ hostname: 'n1', mac: '00-02-B3-3F-78-8C', rack: 'r1' });
    expect(rows.find((r) => r.method === 'DELETE')).toMatchObject({ path: '/api/v1/nodes/n2', status: 200, tokenName: 'admin' });
    expect(rows.every((r) => r.method !== 'GET')).toBe(true);
  });

  it('read-only tokens read everything but change nothing', async () => {
    expect((await api.call('GET', '/api/v1/nodes', undefined, api.viewer)).status).toBe(200);
    for (const [m, p] of [['POST', '/api/v1/clusters'], ['PATCH', '/api/v1/nodes/n1'], ['DELETE', '/api/v1/nodes/n1'], ['POST', '/api/v1/import']] as const) {
      expect((await api.call(m, p, {}, api.viewer)).status).toBe(403);
    }
    expect((await api.call('GET', '/api/v1/nodes/n1')).status).toBe(200);
  });
});
