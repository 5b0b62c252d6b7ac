import type { Command } from 'commander';
import type { CliContext } from './context.js';

/** Each verb lives in its own file and registers itself here. */
export function registerCommands(program: Command, ctx: CliContext): void {
  void program;
  void ctx;
}
