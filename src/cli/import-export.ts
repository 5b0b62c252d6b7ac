import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { NotFoundError, ValidationError } from '../errors.js';
import { EXPORT_FORMATS, type ExportFormat } from '../inventory/inventory.js';
import { IMPORT_FORMATS, type ImportFormat } from '../inventory/import.js';
import type { CliContext } from './context.js';
import { inventoryOf } from './shared.js';

function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new NotFoundError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

export function registerImportExportCommands(program: Command, ctx: CliContext): void {
  program
    .command('import <format> <file>')
    .description(`import nodes, all-or-nothing (formats: ${IMPORT_FORMATS.join(', ')}; file - reads stdin)`)
    .option('--cluster <name>', 'put the nodes in this cluster (required for kerrighed)')
    .option('--rack <name>', 'put the nodes in this rack')
    .option('--profile <name>', 'give the nodes this profile')
    .action((format: string, file: string, o: { cluster?: string; rack?: string; profile?: string }) => {
      if (!IMPORT_FORMATS.includes(format as ImportFormat)) throw new ValidationError(`"${format}" must be one of ${IMPORT_FORMATS.join(', ')}`, 'format');
      const r = inventoryOf(ctx).import(format as ImportFormat, readInput(file), o);
      ctx.out(`imported ${file}: ${r.added.length} added, ${r.updated.length} updated`);
    });

  program
    .command('export <format>')
    .description(`export nodes (formats: ${EXPORT_FORMATS.join(', ')})`)
    .option('--cluster <name>', 'only this cluster (required for kerrighed)')
    .action((format: string, o: { cluster?: string }) => {
      if (!EXPORT_FORMATS.includes(format as ExportFormat)) throw new ValidationError(`"${format}" must be one of ${EXPORT_FORMATS.join(', ')}`, 'format');
      process.stdout.write(inventoryOf(ctx).export(format as ExportFormat, o));
    });
}
