import type { Socket } from 'node:dgram';
import type { Logger } from '../log.js';
import type { GsoSender } from './udp-gso.js';

type Item =
  | { kind: 'blocks'; headers: Buffer; headerSize: number; data: Buffer; blockSize: number; blocks: Int32Array; from: number }
  | { kind: 'message'; bytes: Buffer };

/**
 * The sender's data socket (connected to the group, or to the one receiver): DATA blocks and
 * REQACKs leave in the order they were given, so a REQACK never overtakes the end of its
 * slice while the socket buffer is full (receivers would ask again for blocks still queued).
 *
 * With UDP GSO, runs of blocks go to the kernel 40 datagrams per system call. When the
 * kernel has no room (EAGAIN), one datagram goes through Node, which waits for room; its
 * callback resumes the rest. Without GSO, each datagram is a Node send and Node's own queue
 * keeps the order.
 */
export class DataPath {
  private readonly queue: Item[] = [];
  /** Datagrams held in `queue`. */
  private held = 0;
  /** A Node send is waiting for room in the socket buffer; its callback resumes. */
  private waiting = false;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private gso: GsoSender | null,
    private readonly onRoom: () => void,
    private readonly log: Logger,
  ) {}

  get usesGso(): boolean {
    return this.gso !== null;
  }

  /** Datagrams not yet taken by the kernel (held here or queued in Node). */
  get outstanding(): number {
    return this.closed ? 0 : this.held + this.socket.getSendQueueCount();
  }

  blocks(headers: Buffer, headerSize: number, data: Buffer, blockSize: number, blocks: number[]): void {
    if (this.gso === null && this.idle) return this.viaNode(headers, headerSize, data, blockSize, blocks);
    this.queue.push({ kind: 'blocks', headers, headerSize, data, blockSize, blocks: Int32Array.from(blocks), from: 0 });
    this.held += blocks.length;
    this.flush();
  }

  message(bytes: Buffer): void {
    if (this.gso === null && this.idle) return void this.socket.send(bytes, this.sent);
    this.queue.push({ kind: 'message', bytes });
    this.held++;
    this.flush();
  }

  /** Nothing held here: without GSO, Node's own queue keeps the order from now on. */
  private get idle(): boolean {
    return this.queue.length === 0 && !this.waiting;
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.held = 0;
  }

  private flush(): void {
    while (!this.waiting && !this.closed && this.queue.length > 0) {
      const item = this.queue[0]!;
      if (item.kind === 'message') {
        this.queue.shift();
        this.held--;
        this.socket.send(item.bytes, this.sent);
        // Node sends at once when it can; a send it had to queue waits for room.
        if (this.socket.getSendQueueCount() > 0) this.waiting = true;
        continue;
      }
      if (this.gso === null) {
        this.restViaNode(item); // GSO was refused mid-queue: the rest goes through Node, in order
        continue;
      }
      const r = this.gso.send(item.headers, item.headerSize, item.data, item.blockSize, item.blocks, item.from);
      this.held -= r.from - item.from;
      item.from = r.from;
      if (r.kind === 'sent') {
        this.queue.shift();
      } else if (r.kind === 'full') {
        // One datagram through Node: it waits for room, and its callback resumes GSO.
        const b = item.blocks[item.from]!;
        item.from++;
        this.held--;
        if (item.from === item.blocks.length) this.queue.shift();
        this.waiting = true;
        this.socket.send(datagram(item.headers, item.headerSize, item.data, item.blockSize, b), this.sent);
      } else if (r.kind === 'failed') {
        // Not about segmentation (an ICMP error pending on the socket, a firewall rule): this
        // batch goes through Node, which reports the error; GSO stays on.
        this.restViaNode(item);
      } else {
        this.log.warn({ errno: r.errno }, 'udpcast: the kernel refused UDP segmentation offload; sending one datagram per system call');
        this.gso = null;
      }
    }
  }

  /** The unsent rest of the queue's first item, through Node. */
  private restViaNode(item: Extract<Item, { kind: 'blocks' }>): void {
    this.queue.shift();
    this.held -= item.blocks.length - item.from;
    this.viaNode(item.headers, item.headerSize, item.data, item.blockSize, item.blocks.subarray(item.from));
  }

  /** One Node send per block; only the last has a callback (a nextTick and a request object each). */
  private viaNode(headers: Buffer, headerSize: number, data: Buffer, blockSize: number, blocks: ArrayLike<number>): void {
    const last = blocks.length - 1;
    for (let i = 0; i <= last; i++) {
      const list = datagram(headers, headerSize, data, blockSize, blocks[i]!);
      if (i === last) this.socket.send(list, this.sent);
      else this.socket.send(list);
    }
  }

  private readonly sent = (err: Error | null): void => {
    if (this.closed) return; // the push is over: nothing left to resume
    if (err) this.log.debug({ err: err.message }, 'udpcast: DATA send failed');
    if (this.waiting && this.socket.getSendQueueCount() === 0) {
      this.waiting = false;
      this.flush();
    }
    this.onRoom();
  };
}

/** Block b as [header, payload] (only a slice's last block may be short). */
function datagram(headers: Buffer, headerSize: number, data: Buffer, blockSize: number, b: number): Buffer[] {
  return [headers.subarray(b * headerSize, (b + 1) * headerSize), data.subarray(b * blockSize, Math.min(data.length, (b + 1) * blockSize))];
}
