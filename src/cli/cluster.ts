import type { Command } from 'commander';
import type { Cluster, NodeIdPolicy } from '../inventory/types.js';
import type { CliContext } from './context.js';
import { intOption, inventoryOf, json, table, withJson } from './shared.js';

interface ClusterFlags {
  session?: number;
  nbmin?: number;
  iface?: string;
  nodeIdPolicy?: NodeIdPolicy;
  name?: string;
}

const flags = (cmd: Command): Command =>
  cmd
    .option('--session <n>', 'Kerrighed session id (1-254)', intOption('--session'))
    .option('--nbmin <n>', 'nodes needed before the cluster starts (1-256)', intOption('--nbmin'))
    .option('--iface <name>', 'node-side network interface (default eth0)')
    .option('--node-id-policy <policy>', 'lowest-free (default) or from-ip (node_id = last octet of the fixed address)');

const row = (c: Cluster): unknown[] => [c.name, c.sessionId, c.nbmin, c.iface, c.nodeIdPolicy];

export function registerClusterCommands(program: Command, ctx: CliContext): void {
  const cluster = program.command('cluster').description('Kerrighed clusters');

  flags(cluster.command('add <name>').description('create a cluster')).action((name: string, o: ClusterFlags) => {
    const c = inventoryOf(ctx).clusters.add({ name, sessionId: o.session, nbmin: o.nbmin, iface: o.iface, nodeIdPolicy: o.nodeIdPolicy });
    ctx.out(`added cluster ${c.name} session=${c.sessionId} nbmin=${c.nbmin} iface=${c.iface} node_id policy ${c.nodeIdPolicy}`);
  });

  flags(cluster.command('set <name>').description('change a cluster').option('--name <new>', 'rename')).action((name: string, o: ClusterFlags) => {
    const c = inventoryOf(ctx).clusters.update(name, { name: o.name, sessionId: o.session, nbmin: o.nbmin, iface: o.iface, nodeIdPolicy: o.nodeIdPolicy });
    ctx.out(`updated cluster ${c.name}`);
  });

  withJson(cluster.command('list').description('list clusters')).action((o: { json?: boolean }) => {
    const list = inventoryOf(ctx).clusters.list();
    ctx.out(o.json ? json(list) : table(['NAME', 'SESSION', 'NBMIN', 'IFACE', 'NODE_ID POLICY'], list.map(row)));
  });

  withJson(cluster.command('show <name>').description('show a cluster and its nodes')).action((name: string, o: { json?: boolean }) => {
    const inv = inventoryOf(ctx);
    const c = inv.clusters.get(name);
    const nodes = inv.nodes.list({ cluster: name });
    if (o.json) return ctx.out(json({ ...c, nodes }));
    ctx.out(table(['NAME', 'SESSION', 'NBMIN', 'IFACE', 'NODE_ID POLICY'], [row(c)]));
    ctx.out(`\n${table(['NODE_ID', 'HOSTNAME', 'MAC', 'IP', 'RACK', 'STAGE'], nodes.map((n) => [n.nodeId, n.hostname, n.mac, n.ip, n.rack, n.lastStage]))}`);
  });

  cluster.command('rm <name>').description('remove an empty cluster').action((name: string) => {
    inventoryOf(ctx).clusters.remove(name);
    ctx.out(`removed cluster ${name}`);
  });
}
