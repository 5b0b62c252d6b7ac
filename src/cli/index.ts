import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { registerCheckCommand } from './check.js';
import { registerClusterCommands } from './cluster.js';
import { registerConfigCommands } from './config.js';
import { registerImageCommands } from './image.js';
import { registerImportExportCommands } from './import-export.js';
import { registerInitrdCommands } from './initrd.js';
import { registerLeaseCommands } from './lease.js';
import { registerNodeCommands } from './node.js';
import { registerProfileCommands } from './profile.js';
import { registerPushCommands } from './push.js';
import { registerReceiveCommands } from './receive.js';
import { registerRenderCommands } from './render.js';
import { registerServeCommand } from './serve.js';
import { registerTokenCommands } from './token.js';

/** Each verb lives in its own file and registers itself here. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerNodeCommands(program, ctx);
  registerClusterCommands(program, ctx);
  registerProfileCommands(program, ctx);
  registerImageCommands(program, ctx);
  registerRenderCommands(program, ctx);
  registerImportExportCommands(program, ctx);
  registerLeaseCommands(program, ctx);
  registerServeCommand(program, ctx);
  registerTokenCommands(program, ctx);
  registerPushCommands(program, ctx);
  registerReceiveCommands(program, ctx);
  registerInitrdCommands(program, ctx);
  registerCheckCommand(program, ctx);
  registerConfigCommands(program, ctx);
}
