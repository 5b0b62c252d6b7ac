import { parentPort, workerData } from 'node:worker_threads';
import { BusyPoll } from './busy-poll.js';
import { systemClock } from './clock.js';
import type { TftpConfig } from './config.js';
import { startSession, type TransferJob } from './session.js';
import type { TransferResult } from './transfer.js';

/**
 * A transfer thread: runs the transfers the listener hands it, each on its own socket,
 * and reports back. No file is opened here: the listener checked and opened it (fd).
 */
export type ToWorker = { type: 'start'; id: number; job: TransferJob };
export type FromWorker =
  | { type: 'done'; id: number; result: TransferResult }
  | { type: 'unknown_tid'; id: number; from: { address: string; port: number } }
  | { type: 'malformed'; id: number; packet: Uint8Array };

const config = (workerData as { config: TftpConfig }).config;
const port = parentPort!;
const post = (m: FromWorker): void => port.postMessage(m);
const busyPoll = new BusyPoll(config.busyPollMicros);

port.on('message', (m: ToWorker) => {
  const { id, job } = m;
  startSession(config, job, systemClock, {
    onUnknownTid: (from) => post({ type: 'unknown_tid', id, from }),
    onMalformed: (packet) => post({ type: 'malformed', id, packet: Uint8Array.from(packet) }),
    onDone: (result) => post({ type: 'done', id, result }),
  }, busyPoll).catch((e: unknown) => post({ type: 'done', id, result: { outcome: 'error', bytes: 0, reason: `cannot start: ${(e as Error).message}` } }));
});
