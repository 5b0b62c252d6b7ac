import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../src/log.js';
import { decode, encode } from '../../../src/wire/tftp/codec.js';
import type { TftpPacket } from '../../../src/wire/tftp/packet.js';

/** Fail (never skip) when a Debian client is missing, naming the package to install. */
export function requireTool(bin: string, debianPackage: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`]);
  if (r.status !== 0) throw new Error(`${bin} not found: install the Debian package ${debianPackage} (listed in .ci/apt-packages)`);
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export function fileSha256(path: string): string {
  return execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0]!;
}

/** A logger whose JSON lines tests can read. */
export function captureLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  return { logger: createLogger('debug', 'json', stream), lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** A UDP socket on loopback speaking raw TFTP, for what real clients cannot send. */
export class RawClient {
  private queue: Array<{ packet: TftpPacket | Buffer; port: number }> = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket) {
    socket.on('message', (msg, from) => {
      let packet: TftpPacket | Buffer;
      try {
        packet = decode(msg);
      } catch {
        packet = Buffer.from(msg);
      }
      this.queue.push({ packet, port: from.port });
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  static async open(): Promise<RawClient> {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    return new RawClient(s);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(packet: TftpPacket | Buffer, port: number): void {
    this.socket.send(Buffer.isBuffer(packet) ? packet : encode(packet), port, '127.0.0.1');
  }

  /** The next packet, or undefined after `ms`. */
  async next(ms = 2000): Promise<{ packet: TftpPacket | Buffer; port: number } | undefined> {
    const deadline = Date.now() + ms;
    while (this.queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return this.queue.shift();
  }

  /** Lock-step read of a whole file; returns the OACK (if any) and the bytes. */
  async get(serverPort: number, filename: string, options: Array<[string, string]> = []): Promise<{ oack?: TftpPacket; data: Buffer; error?: TftpPacket }> {
    this.send({ op: 'rrq', filename, mode: 'octet', options }, serverPort);
    const chunks: Buffer[] = [];
    let blksize = 512;
    let oack: TftpPacket | undefined;
    for (let expected = 1; ; ) {
      const got = await this.next();
      if (!got || Buffer.isBuffer(got.packet)) throw new Error(`no answer or garbage for ${filename}`);
      const p = got.packet;
      if (p.op === 'error') return { data: Buffer.concat(chunks), error: p };
      if (p.op === 'oack') {
        oack = p;
        const b = p.options.find(([k]) => k.toLowerCase() === 'blksize');
        if (b) blksize = Number(b[1]);
        this.send({ op: 'ack', block: 0 }, got.port);
        continue;
      }
      if (p.op !== 'data') throw new Error(`unexpected ${p.op}`);
      if (p.block === (expected & 0xffff)) {
        chunks.push(Buffer.from(p.data));
        expected++;
      }
      this.send({ op: 'ack', block: p.block }, got.port);
      if (p.block === ((expected - 1) & 0xffff) && p.data.length < blksize) return { ...(oack ? { oack } : {}), data: Buffer.concat(chunks) };
    }
  }

  close(): void {
    this.socket.close();
  }
}
