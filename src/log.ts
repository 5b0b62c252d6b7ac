import { Writable } from 'node:stream';
import { pino, type Logger as PinoLogger } from 'pino';

/** Structured logger (pino). Subsystems receive one, never create their own. */
export type Logger = PinoLogger;

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/** One pino JSON line as `HH:MM:SS LEVEL [subsystem] message key=value …`, for people at a terminal. */
export function formatLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = new Date(Number(o.time)).toISOString().slice(11, 19);
  const extra = Object.entries(o)
    .filter(([k]) => !SKIP.has(k) && k !== 'subsystem')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const sub = o.subsystem ? `[${String(o.subsystem)}] ` : '';
  return `${time} ${(LEVELS[Number(o.level)] ?? 'LOG').padEnd(5)} ${sub}${String(o.msg ?? '')}${extra ? `  ${extra}` : ''}\n`;
}

function textStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) out.write(formatLine(line));
      done();
    },
  });
}

/**
 * A logger at `level`. `format: 'text'` writes human-readable lines (the default when
 * stdout is a terminal); 'json' writes pino's JSON lines for log collectors.
 */
export function createLogger(level: string = 'info', format: 'json' | 'text' = process.stdout.isTTY ? 'text' : 'json', destination: NodeJS.WritableStream = process.stdout): Logger {
  return format === 'text' ? pino({ level }, textStream(destination)) : pino({ level }, destination as never);
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
