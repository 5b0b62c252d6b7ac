import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/db.js';
import { Lab, daemonFiles, envScript, readEnv, requireTools, sh, startDaemon, type Proc } from './lab.js';

/**
 * Full mode on one segment: rackboot (`rackboot serve`, DHCP only) in rbtd-fS on a bridge,
 * real dhclient and udhcpc in their own namespaces.
 */
const N1 = { mac: '52:54:00:77:00:01', hostname: 'n1', ip: '10.77.1.11', rootPath: '10.77.1.1:/srv/nfsroot/n1' };
const PXE_MAC = '52:54:00:77:00:02';
const NAK_MAC = N1.mac;

let lab: Lab;
let S: string;
let daemon: Proc;
let dbFile: string;
let configFile: string;

const config = {
  serverAddress: '10.77.1.1',
  dhcp: {
    mode: 'full',
    authoritative: true,
    subnets: [{ network: '10.77.1.0/24', pools: [{ start: '10.77.1.100', end: '10.77.1.150' }], router: ['10.77.1.254'], dns: ['10.77.1.53'], domain: 'cluster.test', leaseTime: 600 }],
  },
};

function client(name: string, mac: string): string {
  const ns = lab.ns(name);
  lab.veth(`rbtd-f${name}1`, S, '', `rbtd-f${name}0`, ns, '', mac);
  sh(`ip -n ${S} link set rbtd-f${name}1 master rbtd-fbr`);
  return ns;
}

const dhclientConf = (extra = ''): string =>
  lab.file(`dhclient-${Math.random().toString(36).slice(2)}.conf`, `request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers, host-name, root-path;\n${extra}\n`);

async function waitForFile(f: string, proc: Proc, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!existsSync(f)) {
    if (Date.now() > end) throw new Error(`no ${f}; client output:\n${proc.out}\ndaemon:\n${daemon.out.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  requireTools('ip', 'dhclient', 'udhcpc');
  lab = new Lab('f');
  S = lab.ns('S');
  sh(`ip -n ${S} link add rbtd-fbr type bridge && ip -n ${S} link set rbtd-fbr up && ip -n ${S} addr add 10.77.1.1/24 dev rbtd-fbr`);
  ({ configFile, dbFile } = daemonFiles(lab, config, [N1]));
  daemon = startDaemon(lab, S, configFile);
  await daemon.waitFor(/rackboot is ready/);
});

afterAll(async () => {
  await lab?.cleanup();
});

describe('full mode with real clients in network namespaces', () => {
  it('dhclient (an OS, no PXE) gets the node\'s fixed address, hostname, root-path, and no boot file', async () => {
    const ns = client('a', N1.mac);
    const { script, out } = envScript(lab, 'dhclient-a');
    const p = lab.spawn(ns, 'dhclient', ['-1', '-d', '-cf', dhclientConf(), '-sf', script, '-lf', `${lab.dir}/a.leases`, '-pf', `${lab.dir}/a.pid`, 'rbtd-fa0']);
    await waitForFile(`${out}.BOUND`, p);
    await p.stop();
    const env = readEnv(`${out}.BOUND`);
    expect(env.new_ip_address).toBe('10.77.1.11');
    expect(env.new_host_name).toBe('n1');
    expect(env.new_root_path).toBe('10.77.1.1:/srv/nfsroot/n1');
    expect(env.new_domain_name).toBe('cluster.test');
    expect(env.new_routers).toBe('10.77.1.254');
    expect(env.new_dhcp_server_identifier).toBe('10.77.1.1');
    expect(env.new_filename).toBeUndefined();
    const db = openDatabase(dbFile);
    try {
      expect(db.prepare("SELECT e.stage FROM boot_events e JOIN nodes n ON n.id = e.node_id WHERE n.hostname = 'n1'").all()).toEqual([{ stage: 'os-lease' }]);
      expect(db.prepare('SELECT mac, state, fixed FROM leases WHERE ip = ?').get('10.77.1.11')).toEqual({ mac: N1.mac, state: 'bound', fixed: 1 });
    } finally {
      db.close();
    }
  });

  it('udhcpc as a PXE client (unknown MAC) gets a pool address, next-server and boot file, and is recorded as discovered', async () => {
    const ns = client('b', PXE_MAC);
    const { script, out } = envScript(lab, 'udhcpc-b');
    const r = await lab.run(ns, 'udhcpc', ['-f', '-q', '-n', '-t', '4', '-T', '2', '-i', 'rbtd-fb0', '-s', script, '-V', 'PXEClient:Arch:00000:UNDI:002001', '-O', 'rootpath']);
    expect(r.code, r.out).toBe(0);
    const env = readEnv(`${out}.bound`);
    expect(env.ip).toBe('10.77.1.100');
    expect(env.siaddr).toBe('10.77.1.1');
    expect(env.boot_file).toBe('pxelinux.0');
    expect(env.subnet).toBe('255.255.255.0');
    expect(env.router).toBe('10.77.1.254');
    expect(env.dns).toBe('10.77.1.53');
    expect(env.lease).toBe('600');
    const db = openDatabase(dbFile);
    try {
      expect(db.prepare('SELECT mac, arch, vendor_class FROM discovered').all()).toEqual([{ mac: PXE_MAC, arch: 0, vendor_class: 'PXEClient:Arch:00000:UNDI:002001' }]);
      expect(db.prepare("SELECT ip, state FROM leases WHERE mac = ?").all(PXE_MAC)).toEqual([{ ip: '10.77.1.100', state: 'bound' }]);
    } finally {
      db.close();
    }
  });

  it('dhclient INIT-REBOOT with a wrong remembered address is NAKed, then gets the right one', async () => {
    const ns = client('c', NAK_MAC);
    const leases = lab.file(
      'c.leases',
      `lease {\n  interface "rbtd-fc0";\n  fixed-address 10.77.1.99;\n  option subnet-mask 255.255.255.0;\n  option dhcp-lease-time 600;\n  option dhcp-server-identifier 10.77.1.1;\n  renew 4 2037/01/01 00:00:00;\n  rebind 4 2037/01/01 00:00:00;\n  expire 4 2037/01/01 00:00:00;\n}\n`,
    );
    const { script, out } = envScript(lab, 'dhclient-c');
    const p = lab.spawn(ns, 'dhclient', ['-1', '-d', '-cf', dhclientConf(), '-sf', script, '-lf', leases, '-pf', `${lab.dir}/c.pid`, 'rbtd-fc0']);
    await waitForFile(`${out}.BOUND`, p, 30_000);
    await p.stop();
    expect(p.out).toMatch(/DHCPREQUEST for 10\.77\.1\.99/);
    expect(p.out).toMatch(/DHCPNAK from 10\.77\.1\.1/);
    expect(readEnv(`${out}.BOUND`).new_ip_address).toBe('10.77.1.11');
    const naks = daemon.logs().filter((l) => l.msg === 'dhcp: reply' && l.outcome === 'nak' && l.mac === NAK_MAC);
    expect(naks.length).toBeGreaterThanOrEqual(1);
  });

  it('a lease ACKed just before kill -9 is in SQLite, and a restarted daemon gives the client the same address', async () => {
    const mac = '52:54:00:77:00:04';
    const ns = client('d', mac);
    const first = envScript(lab, 'udhcpc-d1');
    const r = await lab.run(ns, 'udhcpc', ['-f', '-q', '-n', '-t', '4', '-T', '2', '-i', 'rbtd-fd0', '-s', first.script]);
    expect(r.code, r.out).toBe(0);
    const ip = readEnv(`${first.out}.bound`).ip!;
    sh(`kill -9 ${daemon.child.pid}`);
    await daemon.exit(5000);
    const db = openDatabase(dbFile);
    try {
      expect(db.prepare('SELECT ip, state FROM leases WHERE mac = ?').get(mac)).toEqual({ ip, state: 'bound' });
    } finally {
      db.close();
    }
    daemon = startDaemon(lab, S, configFile);
    await daemon.waitFor(/rackboot is ready/);
    const second = envScript(lab, 'udhcpc-d2');
    const r2 = await lab.run(ns, 'udhcpc', ['-f', '-q', '-n', '-t', '4', '-T', '2', '-i', 'rbtd-fd0', '-s', second.script]);
    expect(r2.code, r2.out).toBe(0);
    expect(readEnv(`${second.out}.bound`).ip).toBe(ip);
  });

  it('a malformed packet is dropped and counted; the server keeps answering', async () => {
    const ns = client('e', '52:54:00:77:00:05');
    sh(`ip -n ${ns} addr add 10.77.1.200/24 dev rbtd-fe0`);
    await lab.run(ns, process.execPath, ['-e', "const s=require('dgram').createSocket('udp4');s.send(Buffer.from('01010600deadbeef','hex'),67,'10.77.1.1',()=>s.close())"]);
    await daemon.waitFor(/malformed packet dropped/);
    const { script, out } = envScript(lab, 'udhcpc-e');
    sh(`ip -n ${ns} addr flush dev rbtd-fe0`);
    const r = await lab.run(ns, 'udhcpc', ['-f', '-q', '-n', '-t', '4', '-T', '2', '-i', 'rbtd-fe0', '-s', script]);
    expect(r.code, r.out).toBe(0);
    expect(readEnv(`${out}.bound`).ip).toMatch(/^10\.77\.1\.1\d\d$/);
  });
});
