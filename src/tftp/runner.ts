import { BusyPoll } from './busy-poll.js';
import type { Clock } from './clock.js';
import type { TftpConfig } from './config.js';
import { startSession, type SessionHooks, type TransferJob } from './session.js';
import type { Transfer } from './transfer.js';

/** Runs transfers: in the listener's thread (LocalRunner) or spread over worker threads (pool.ts). */
export interface TransferRunner {
  /** Start a transfer; `hooks.onDone` is called exactly once, also when it cannot start. */
  start(job: TransferJob, hooks: SessionHooks): void;
  /** Abort every transfer (no packet is sent) and release threads. */
  close(): Promise<void>;
}

export class LocalRunner implements TransferRunner {
  private readonly running = new Set<Transfer>();
  private readonly busyPoll: BusyPoll;

  constructor(
    private readonly config: TftpConfig,
    private readonly clock: Clock,
  ) {
    this.busyPoll = new BusyPoll(config.busyPollMicros);
  }

  start(job: TransferJob, hooks: SessionHooks): void {
    let transfer: Transfer | undefined;
    startSession(this.config, job, this.clock, {
      ...hooks,
      onDone: (result) => {
        if (transfer) this.running.delete(transfer);
        hooks.onDone(result);
      },
    }, this.busyPoll).then(
      (t) => {
        transfer = t;
        if (!t.done) this.running.add(t);
      },
      (e: unknown) => hooks.onDone({ outcome: 'error', bytes: 0, reason: `cannot start: ${(e as Error).message}` }),
    );
  }

  async close(): Promise<void> {
    for (const t of [...this.running]) t.abort('server closing');
  }
}
