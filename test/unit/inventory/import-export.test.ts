import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { parseDhcpdHosts } from '../../../src/inventory/importers/dhcpd.js';
import { parseCsv } from '../../../src/inventory/importers/csv.js';
import { parseKerrighedNodes } from '../../../src/inventory/importers/kerrighed.js';
import { testInventory } from '../boot/helpers.js';

const fixture = (name: string): string => readFileSync(join(__dirname, '../../fixtures/import', name), 'utf8');

describe('importers', () => {
  it('reads ISC dhcpd host blocks inside subnet/group braces', () => {
    expect(parseDhcpdHosts(fixture('dhcpd.conf'))).toEqual([
      { line: 5, hostname: 'node31', mac: '00:02:b3:3f:78:8c', ip: '10.0.1.31' },
      { line: 6, hostname: 'node32', mac: '00:02:b3:3f:78:8d', ip: '10.0.1.32', rootPath: '10.0.1.1:/srv/nfsroot' },
    ]);
  });
  it('names the line of a bad dhcpd host block', () => {
    expect(() => parseDhcpdHosts('\n\nhost x { fixed-address 10.0.0.1; }\n')).toThrow('line 3: host x has no "hardware ethernet" MAC');
    expect(() => parseDhcpdHosts('host x {\n hardware ethernet 00:11;\n}')).toThrow(/line 2: mac: "00:11" is not a MAC/);
  });
  it('reads CSV with or without a header, quoting included', () => {
    expect(parseCsv('00:02:b3:3f:78:8c,node31,10.0.1.31,4\n')).toEqual([{ line: 1, mac: '00:02:b3:3f:78:8c', hostname: 'node31', ip: '10.0.1.31', nodeId: 4 }]);
    expect(parseCsv('mac,hostname,rack\n"00:02:b3:3f:78:8c","node31",r1\n')).toEqual([{ line: 2, mac: '00:02:b3:3f:78:8c', hostname: 'node31', rack: 'r1' }]);
    expect(() => parseCsv('mac,host\n')).toThrow('line 1: unknown column "host"');
    expect(() => parseCsv('a,b,c,d,e\n')).toThrow('line 1: 5 fields');
  });
  it('reads kerrighed_nodes in both the hostname:iface and address:node_id:iface forms', () => {
    expect(parseKerrighedNodes(fixture('kerrighed_nodes'))).toEqual({
      sessionId: 7,
      nbmin: 2,
      iface: 'eth1',
      nodes: [
        { line: 3, ip: '10.0.1.31', nodeId: 4, iface: 'eth1' },
        { line: 4, hostname: 'node32', iface: 'eth1' },
      ],
    });
    expect(() => parseKerrighedNodes('session=1\nnode1\n')).toThrow('line 2');
  });
});

describe('import into the inventory', () => {
  it('moves a cluster over: dhcpd hosts, then kerrighed_nodes, then dolly.cfg', () => {
    const { inventory } = testInventory();
    inventory.clusters.add({ name: 'krg' });
    expect(inventory.import('dhcpd', fixture('dhcpd.conf'), { cluster: 'krg' }).added.map((n) => n.hostname)).toEqual(['node31', 'node32']);
    inventory.import('kerrighed', fixture('kerrighed_nodes'), { cluster: 'krg' });
    const c = inventory.clusters.get('krg');
    expect([c.sessionId, c.nbmin, c.iface]).toEqual([7, 2, 'eth1']);
    expect(inventory.nodes.get('node31').nodeId).toBe(4);
    const r = inventory.import('dolly', fixture('dolly.cfg'), { rack: 'r12' });
    expect(r.updated.map((n) => [n.hostname, n.rack])).toEqual([['node31', 'r12'], ['node32', 'r12']]);
    expect(inventory.nodes.get('node32').rootPath).toBe('10.0.1.1:/srv/nfsroot');
  });
  it('is all-or-nothing: one bad line names its number and changes nothing', () => {
    const { inventory } = testInventory();
    let err: unknown;
    try {
      inventory.import('csv', fixture('bad.csv'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/^line 4: hostname: "bad_name" is not an RFC 1123 host name/);
    expect(inventory.nodes.list()).toEqual([]);
  });
  it('refuses duplicates inside one import with the second line number', () => {
    const { inventory } = testInventory();
    expect(() => inventory.import('csv', '00:02:b3:3f:78:8c,a,,1\n00:02:b3:3f:78:8d,b,,1\n')).toThrow(/line 2: node_id 1 \(given\) is already used by a/);
    expect(inventory.nodes.list()).toEqual([]);
  });
  it('refuses a kerrighed_nodes line naming a host it does not know', () => {
    const { inventory } = testInventory();
    expect(() => inventory.import('kerrighed', fixture('kerrighed_nodes'), { cluster: 'krg' })).toThrow(/line 3: 10.0.1.31 is not in the inventory/);
    expect(inventory.clusters.list()).toEqual([]);
  });
  it('round-trips CSV and dhcpd exports', () => {
    const a = testInventory().inventory;
    a.clusters.add({ name: 'krg' });
    a.import('csv', fixture('nodes.csv'), { cluster: 'krg', rack: 'r1' });
    const csv = a.export('csv');
    const b = testInventory().inventory;
    b.clusters.add({ name: 'krg' });
    b.import('csv', csv);
    expect(b.export('csv')).toBe(csv);
    const c = testInventory().inventory;
    c.import('dhcpd', a.export('dhcpd'));
    expect(c.export('dhcpd')).toBe(a.export('dhcpd'));
    expect(c.nodes.list().map((n) => [n.mac, n.hostname, n.ip])).toEqual(a.nodes.list().map((n) => [n.mac, n.hostname, n.ip]));
  });
  it('round-trips kerrighed_nodes', () => {
    const a = testInventory().inventory;
    a.clusters.add({ name: 'krg', sessionId: 9, nbmin: 3, iface: 'eth2' });
    a.import('csv', fixture('nodes.csv'), { cluster: 'krg' });
    const text = a.export('kerrighed', { cluster: 'krg' });
    const b = testInventory().inventory;
    b.import('csv', fixture('nodes.csv'));
    b.import('kerrighed', text, { cluster: 'krg2' });
    expect(b.export('kerrighed', { cluster: 'krg2' })).toBe(text);
  });
});
