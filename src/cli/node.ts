import type { Command } from 'commander';
import { ValidationError } from '../errors.js';
import type { Node } from '../inventory/types.js';
import type { NodePatch } from '../inventory/nodes.js';
import type { CliContext } from './context.js';
import { collect, intOption, inventoryOf, json, keyValues, table, withJson } from './shared.js';

interface NodeFlags {
  mac?: string;
  hostname?: string;
  ip?: string;
  nodeId?: number;
  cluster?: string;
  rack?: string;
  profile?: string;
  extraArgs?: string;
  domain?: string;
  rootPath?: string;
  dhcpOption?: string[];
}

const nodeFlags = (cmd: Command): Command =>
  cmd
    .option('--ip <address>', 'fixed IPv4 address')
    .option('--node-id <n>', 'Kerrighed node_id (default: the cluster policy)', intOption('--node-id'))
    .option('--cluster <name>', 'cluster')
    .option('--rack <name>', 'rack')
    .option('--profile <name>', 'boot profile')
    .option('--extra-args <args>', 'extra kernel arguments for this node')
    .option('--domain <domain>', 'DHCP domain name (option 15)')
    .option('--root-path <path>', 'DHCP root path (option 17), for NFS-root nodes')
    .option('--dhcp-option <code=value>', 'extra DHCP option (repeatable)', collect);

function patchFrom(o: NodeFlags): NodePatch {
  // An empty string clears an optional field (e.g. --ip "").
  const opt = (x: string | undefined): string | null | undefined => (x === undefined ? undefined : x === '' ? null : x);
  return {
    mac: o.mac,
    hostname: o.hostname,
    ip: opt(o.ip),
    nodeId: o.nodeId,
    cluster: opt(o.cluster),
    rack: opt(o.rack),
    profile: opt(o.profile),
    extraArgs: o.extraArgs,
    domain: opt(o.domain),
    rootPath: opt(o.rootPath),
    dhcpOptions: keyValues(o.dhcpOption, '--dhcp-option'),
  };
}

const row = (n: Node): unknown[] => [n.hostname, n.mac, n.ip, n.nodeId, n.cluster, n.rack, n.profile, n.lastStage, n.lastStageAt];
const HEAD = ['HOSTNAME', 'MAC', 'IP', 'NODE_ID', 'CLUSTER', 'RACK', 'PROFILE', 'STAGE', 'AT'];

export function registerNodeCommands(program: Command, ctx: CliContext): void {
  const node = program.command('node').description('register and manage nodes');

  nodeFlags(
    node
      .command('add')
      .description('register a node (or approve a discovered machine with --from-discovered MAC)')
      .option('--mac <mac>', 'MAC address (00:02:b3:3f:78:8c, 00-02-B3-3F-78-8C, 0002.b33f.788c or 0002b33f788c)')
      .option('--from-discovered <mac>', 'register a machine DHCP discovered (see node discovered)')
      .requiredOption('--hostname <name>', 'RFC 1123 host name'),
  ).action((o: NodeFlags & { fromDiscovered?: string }) => {
    const inv = inventoryOf(ctx);
    const p = patchFrom(o);
    const input = { ...p, mac: undefined, hostname: o.hostname! };
    const n = o.fromDiscovered
      ? inv.approveDiscovered(o.fromDiscovered, input)
      : inv.nodes.add({ ...input, mac: o.mac ?? missingMac() });
    ctx.out(`added ${n.hostname} ${n.mac}${n.ip ? ` ${n.ip}` : ''} node_id=${n.nodeId}${n.cluster ? ` cluster ${n.cluster}` : ''}`);
  });

  withJson(node.command('list').description('list nodes'))
    .option('--cluster <name>', 'only this cluster')
    .option('--rack <name>', 'only this rack')
    .option('--stage <stage>', 'only nodes whose last stage is this')
    .action((o: { cluster?: string; rack?: string; stage?: string; json?: boolean }) => {
      const nodes = inventoryOf(ctx).nodes.list({ cluster: o.cluster, rack: o.rack, stage: o.stage });
      ctx.out(o.json ? json(nodes) : table(HEAD, nodes.map(row)));
    });

  withJson(node.command('show <node>').description('show a node (hostname, MAC or IP) and the boot stages it reached')).action((ref: string, o: { json?: boolean }) => {
    const inv = inventoryOf(ctx);
    const n = inv.nodes.get(ref);
    const events = inv.eventsOf(ref);
    if (o.json) return ctx.out(json({ ...n, events }));
    const fields: [string, unknown][] = [
      ['hostname', n.hostname], ['mac', n.mac], ['ip', n.ip], ['node_id', n.nodeId], ['cluster', n.cluster], ['rack', n.rack],
      ['profile', n.profile], ['extra args', n.extraArgs], ['domain', n.domain], ['root path', n.rootPath],
      ['dhcp options', Object.entries(n.dhcpOptions).map(([k, v]) => `${k}=${v}`).join(' ')], ['last stage', n.lastStage ? `${n.lastStage} at ${n.lastStageAt}` : null],
    ];
    ctx.out(fields.map(([k, v]) => `${k.padEnd(13)} ${v === null || v === '' ? '-' : String(v)}`).join('\n'));
    ctx.out(events.length ? `\n${table(['STAGE', 'AT', 'DETAIL'], events.map((e) => [e.stage, e.at, e.detail]))}` : '\nno boot events yet');
  });

  nodeFlags(node.command('set <node>').description('change a node (empty value clears an optional field)'))
    .option('--mac <mac>', 'new MAC address')
    .option('--hostname <name>', 'new host name')
    .action((ref: string, o: NodeFlags) => {
      const n = inventoryOf(ctx).nodes.update(ref, patchFrom(o));
      ctx.out(`updated ${n.hostname} ${n.mac}${n.ip ? ` ${n.ip}` : ''} node_id=${n.nodeId}`);
    });

  node.command('rm <node>').description('remove a node').action((ref: string) => {
    const n = inventoryOf(ctx).nodes.remove(ref);
    ctx.out(`removed ${n.hostname} ${n.mac}`);
  });

  withJson(node.command('discovered').description('PXE clients DHCP saw that are not registered')).action((o: { json?: boolean }) => {
    const list = inventoryOf(ctx).listDiscovered();
    ctx.out(o.json ? json(list) : table(['MAC', 'ARCH', 'UUID', 'RELAY', 'CIRCUIT', 'LAST SEEN', 'SEEN'], list.map((d) => [d.mac, d.arch, d.uuid, d.giaddr, d.circuitId, d.lastSeen, d.seenCount])));
  });
}

function missingMac(): never {
  throw new ValidationError('give the node\'s MAC with --mac, or --from-discovered MAC', '--mac');
}
