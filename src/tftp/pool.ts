import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import { packageRoot } from '../paths.js';
import type { TftpConfig } from './config.js';
import type { TransferRunner } from './runner.js';
import type { SessionHooks, TransferJob } from './session.js';
import type { FromWorker, ToWorker } from './worker.js';

/** The compiled worker script (when running from TypeScript sources, the one in dist/). */
function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return join(here, '..', 'worker.js');
  const built = join(packageRoot(), 'dist', 'src', 'tftp', 'worker.js');
  if (!existsSync(built)) throw new ConfigError('tftp.workers > 0 needs the compiled dist/ (run npx tsc -p .)', 'tftp.workers');
  return built;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, SessionHooks>;
}

/**
 * Transfers spread over worker threads, each with its own event loop, so transfers use
 * every core and each thread is scheduled on its own. The listener (main thread) keeps
 * path checks, the backend and metrics; a job goes to the thread with fewest transfers.
 */
export class WorkerPool implements TransferRunner {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closing = false;

  constructor(
    private readonly config: TftpConfig,
    size: number,
    private readonly log: Logger,
  ) {
    const script = workerScript();
    for (let i = 0; i < size; i++) this.slots.push(this.spawn(script));
  }

  private spawn(script: string): Slot {
    const slot: Slot = { worker: new Worker(script, { workerData: { config: this.config } }), jobs: new Map() };
    slot.worker.on('message', (m: FromWorker) => {
      const hooks = slot.jobs.get(m.id);
      if (!hooks) return;
      if (m.type === 'done') {
        slot.jobs.delete(m.id);
        hooks.onDone(m.result);
      } else if (m.type === 'unknown_tid') hooks.onUnknownTid(m.from);
      else hooks.onMalformed(Buffer.from(m.packet));
    });
    slot.worker.on('error', (e) => this.log.error({ err: e }, 'TFTP worker thread failed'));
    slot.worker.on('exit', () => {
      for (const hooks of slot.jobs.values()) hooks.onDone({ outcome: 'aborted', bytes: 0, reason: 'worker thread exited' });
      slot.jobs.clear();
      if (!this.closing) this.slots[this.slots.indexOf(slot)] = this.spawn(script);
    });
    return slot;
  }

  start(job: TransferJob, hooks: SessionHooks): void {
    let best = this.slots[0]!;
    for (const s of this.slots) if (s.jobs.size < best.jobs.size) best = s;
    const id = this.nextId++;
    best.jobs.set(id, hooks);
    best.worker.postMessage({ type: 'start', id, job } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
