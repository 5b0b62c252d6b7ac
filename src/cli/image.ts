import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { inventoryOf, json, table, withJson } from './shared.js';

export function registerImageCommands(program: Command, ctx: CliContext): void {
  const image = program.command('image').description('kernels, initrds and disk images');

  image
    .command('add <name> <file>')
    .description('register a file (relative paths are under the images folder); records size and sha256')
    .option('--kind <kind>', 'kernel, initrd or disk (default: guessed from the file name)')
    .action(async (name: string, file: string, o: { kind?: string }) => {
      const i = await inventoryOf(ctx).images.add(name, file, o.kind);
      ctx.out(`added image ${i.name} (${i.kind}) ${i.path} ${i.size} bytes sha256 ${i.sha256}`);
    });

  withJson(image.command('list').description('list images')).action((o: { json?: boolean }) => {
    const list = inventoryOf(ctx).images.list();
    ctx.out(o.json ? json(list) : table(['NAME', 'KIND', 'SIZE', 'SHA256', 'PATH'], list.map((i) => [i.name, i.kind, i.size, i.sha256.slice(0, 16), i.path])));
  });

  image.command('rm <name>').description('forget an image (the file stays)').action((name: string) => {
    inventoryOf(ctx).images.remove(name);
    ctx.out(`removed image ${name}`);
  });
}
