import type { Command } from 'commander';
import type { BootBackend } from '../boot/backend.js';
import { ValidationError } from '../errors.js';
import type { Inventory } from '../inventory/inventory.js';
import { openInventory } from '../inventory/open.js';
import type { CliContext } from './context.js';

const cache = new WeakMap<CliContext, { inventory: Inventory; backend: BootBackend }>();

/** The inventory over the CLI's database (opened on first use). */
export function inventoryOf(ctx: CliContext): Inventory {
  return servicesOf(ctx).inventory;
}

export function servicesOf(ctx: CliContext): { inventory: Inventory; backend: BootBackend } {
  let s = cache.get(ctx);
  if (!s) {
    s = openInventory(ctx.db(), ctx.config());
    cache.set(ctx, s);
  }
  return s;
}

/** A fixed-width text table; null/undefined print as "-". */
export function table(headers: string[], rows: unknown[][]): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined || c === '' ? '-' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [fmt(headers), ...cells.map(fmt)].join('\n');
}

export const json = (value: unknown): string => JSON.stringify(value, null, 2);

/** Parse an integer CLI option, naming the flag when it is not one. */
export function intOption(flag: string) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value)) throw new ValidationError(`"${value}" is not a whole number`, flag);
    return Number(value);
  };
}

/** Collect a repeatable option into an array. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Parse repeated `--dhcp-option CODE=VALUE`. */
export function keyValues(list: string[] | undefined, flag: string): Record<string, string> | undefined {
  if (!list) return undefined;
  const out: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf('=');
    if (i < 1) throw new ValidationError(`"${item}" must look like CODE=VALUE`, flag);
    out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

/** Mark a command as one that prints JSON with --json. */
export const withJson = (cmd: Command): Command => cmd.option('--json', 'print JSON instead of a table');
