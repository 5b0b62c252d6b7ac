import { pino, type Logger as PinoLogger } from 'pino';

/** Structured logger (pino). Subsystems receive one, never create their own. */
export type Logger = PinoLogger;

export function createLogger(level: string = 'info', destination?: NodeJS.WritableStream): Logger {
  return destination ? pino({ level }, destination as never) : pino({ level });
}

/** A logger that drops everything, for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** First bytes of a packet as hex, for "malformed" warnings. */
export function hexDump(buf: Uint8Array, max = 64): string {
  const hex = Buffer.from(buf.subarray(0, max)).toString('hex');
  return buf.length > max ? `${hex}… (${buf.length} bytes)` : hex;
}
