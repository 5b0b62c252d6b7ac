import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/db.js';
import { Lab, ROOT, daemonFiles, envScript, readEnv, requireTools, sh, startDaemon, type Proc } from './lab.js';

/**
 * A relayed rack: client (rbtd-rC) — relay (rbtd-rR, giaddr 10.78.2.1, adds option 82) —
 * rackboot (rbtd-rS, 10.77.9.1). The subnet is chosen by giaddr; replies go to the relay.
 */
let lab: Lab;
let daemon: Proc;
let relay: Proc;
let dbFile: string;
let C: string;
const NODE = { mac: '52:54:00:78:00:07', hostname: 'r2n7', ip: '10.78.2.7' };

beforeAll(async () => {
  requireTools('ip', 'dhclient', 'udhcpc');
  lab = new Lab('r');
  const S = lab.ns('S');
  const R = lab.ns('R');
  C = lab.ns('C');
  lab.veth('rbtd-rs0', S, '10.77.9.1/24', 'rbtd-rr0', R, '10.77.9.2/24');
  lab.veth('rbtd-rr1', R, '10.78.2.1/24', 'rbtd-rc0', C, '', '52:54:00:78:00:01');
  lab.veth('rbtd-rr2', R, '', 'rbtd-rc1', C, '', NODE.mac);
  sh(`ip -n ${R} link add rbtd-rbr type bridge && ip -n ${R} link set rbtd-rbr up`);
  sh(`ip -n ${R} addr del 10.78.2.1/24 dev rbtd-rr1 && ip -n ${R} link set rbtd-rr1 master rbtd-rbr && ip -n ${R} link set rbtd-rr2 master rbtd-rbr && ip -n ${R} addr add 10.78.2.1/24 dev rbtd-rbr`);
  sh(`ip -n ${S} route add 10.78.2.0/24 via 10.77.9.2`);
  ({ dbFile } = daemonFiles(
    lab,
    {
      serverAddress: '10.77.9.1',
      dhcp: {
        mode: 'full',
        subnets: [
          { network: '10.77.9.0/24' },
          { network: '10.78.2.0/24', pools: [{ start: '10.78.2.100', end: '10.78.2.120' }], router: ['10.78.2.1'], domain: 'rack2.cluster' },
        ],
      },
    },
    [NODE],
  ));
  daemon = startDaemon(lab, S, join(lab.dir, 'rackboot.yaml'));
  await daemon.waitFor(/rackboot is ready/);
  relay = lab.spawn(R, process.execPath, [join(ROOT, 'dist/bench/dhcp/relay.js'), '10.78.2.1', '10.77.9.1', 'rack2/port5', 'sw-rack2']);
  await relay.waitFor(/relay: ready/);
});

afterAll(async () => {
  await lab?.cleanup();
});

describe('relayed rack', () => {
  it('udhcpc PXE client behind a relay gets a pool address of the giaddr subnet; discovered with giaddr and circuit-id', async () => {
    const { script, out } = envScript(lab, 'relay-udhcpc');
    const r = await lab.run(C, 'udhcpc', ['-f', '-q', '-n', '-t', '4', '-T', '2', '-i', 'rbtd-rc0', '-s', script, '-V', 'PXEClient:Arch:00007:UNDI:003016', '-x', '0x5d:0007']);
    expect(r.code, `${r.out}\n${daemon.out.slice(-2000)}`).toBe(0);
    const env = readEnv(`${out}.bound`);
    expect(env.ip).toBe('10.78.2.100');
    expect(env.router).toBe('10.78.2.1');
    expect(env.domain).toBe('rack2.cluster');
    expect(env.boot_file).toBe('syslinux.efi');
    expect(env.serverid).toBe('10.77.9.1');
    expect(relay.out).toMatch(/relay: reply/);
    const db = openDatabase(dbFile);
    try {
      expect(db.prepare('SELECT arch, giaddr, circuit_id, remote_id FROM discovered WHERE mac = ?').get('52:54:00:78:00:01')).toEqual({ arch: 7, giaddr: '10.78.2.1', circuit_id: 'rack2/port5', remote_id: 'sw-rack2' });
      expect(db.prepare('SELECT subnet, state FROM leases WHERE mac = ?').get('52:54:00:78:00:01')).toEqual({ subnet: '10.78.2.0/24', state: 'bound' });
    } finally {
      db.close();
    }
  });

  it('dhclient on a registered node behind the relay gets its fixed address and hostname', async () => {
    const { script, out } = envScript(lab, 'relay-dhclient');
    const conf = lab.file('relay-dhclient.conf', 'request subnet-mask, routers, domain-name, host-name;\n');
    const p = lab.spawn(C, 'dhclient', ['-1', '-d', '-cf', conf, '-sf', script, '-lf', `${lab.dir}/rd.leases`, '-pf', `${lab.dir}/rd.pid`, 'rbtd-rc1']);
    const end = Date.now() + 20_000;
    while (!sh(`ls ${lab.dir}`).includes('relay-dhclient.env.BOUND')) {
      if (Date.now() > end) throw new Error(`no BOUND:\n${p.out}\n${daemon.out.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await p.stop();
    const env = readEnv(`${out}.BOUND`);
    expect(env.new_ip_address).toBe('10.78.2.7');
    expect(env.new_host_name).toBe('r2n7');
    expect(env.new_routers).toBe('10.78.2.1');
  });
});
