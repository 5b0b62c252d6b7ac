import type { Command } from 'commander';
import { ValidationError } from '../errors.js';
import { pxelinuxMacName } from '../inventory/mac.js';
import { describeOverlay } from '../node/overlays/archive.js';
import type { CliContext } from './context.js';
import { inventoryOf, servicesOf } from './shared.js';

/** `rackboot render`: print exactly the bytes a node would be served. */
export function registerRenderCommands(program: Command, ctx: CliContext): void {
  program
    .command('render')
    .description('print what a node is served: pxelinux.cfg, iPXE script or overlay (--mac), or kerrighed_nodes (--cluster)')
    .option('--mac <mac>', 'the node')
    .option('--cluster <name>', 'the cluster (for --what kerrighed_nodes)')
    .option('--what <kind>', 'pxelinux (default), ipxe, overlay (every file with its mode or link target, then its content) or kerrighed_nodes', 'pxelinux')
    .action((o: { mac?: string; cluster?: string; what: string }) => {
      const { inventory, backend } = servicesOf(ctx);
      if (o.what === 'kerrighed_nodes') {
        if (!o.cluster) throw new ValidationError('--what kerrighed_nodes needs --cluster NAME', '--cluster');
        process.stdout.write(inventory.export('kerrighed', { cluster: o.cluster }));
        return;
      }
      if (!o.mac) throw new ValidationError(`--what ${o.what} needs --mac MAC`, '--mac');
      const node = inventoryOf(ctx).nodes.get(o.mac);
      const ip = node.ip ?? '0.0.0.0';
      if (o.what === 'pxelinux') process.stdout.write(backend.renderPxelinuxConfig(pxelinuxMacName(node.mac), ip) ?? '');
      else if (o.what === 'ipxe') process.stdout.write(backend.renderIpxeScript(node.mac, ip));
      else if (o.what === 'overlay') ctx.out(describeOverlay(backend.overlayFiles?.(node.mac) ?? []));
      else throw new ValidationError(`"${o.what}" must be pxelinux, ipxe, overlay or kerrighed_nodes`, '--what');
    });
}
