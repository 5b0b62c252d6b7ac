import type { SenderMessage } from '../wire/udpcast/index.js';

export type Duplex = 'half' | 'full';

export interface SenderOptions {
  imageSize: number;
  blockSize: number;
  /** IPv4 data group announced in HELLO and CONNECT_REPLY. */
  group: string;
  duplex: Duplex;
  /** Bits per second counted as UDP payload + 28 header bytes (as udp-sender); null = no limit. */
  maxBitrate: number | null;
  /** Adapt the pacing rate to loss (AIMD), below maxBitrate; false = pace at maxBitrate only. */
  autoRate: boolean;
  /** Admission control: is this source IP one of the push's targets? */
  admit(ip: string): boolean;
  /** Start as soon as this many receivers joined (the whole target); null = no such rule. */
  expected: number | null;
  /** With maxWaitMs: start once `minReceivers` joined and `maxWaitMs` passed since open. */
  minReceivers: number;
  maxWaitMs: number | null;
  /** Give up when fewer than minReceivers joined after this long; null = wait forever. */
  startTimeoutMs: number | null;
  /** A receiver that answers no REQACK for this long is dropped; the others go on. */
  dropAfterMs: number;
  helloIntervalMs: number;
  /**
   * Start no sooner than this after the last join: a receiver that just got its
   * CONNECT_REPLY is still joining the data group (and a snooping switch is still learning
   * it); slice 0 sent before that is lost to it. udp-sender waits too.
   */
  settleMs: number;
  /** With exactly one receiver at the start, send DATA and REQACK unicast to it (udp-sender's default). */
  pointToPoint: boolean;
  sliceBlocks: { start: number; min: number; max: number };
}

export const DEFAULT_SLICE_BLOCKS = { start: 130, min: 32, max: 1024 } as const;

export type ReceiverState = 'joined' | 'done' | 'dropped';

export interface ReceiverProgress {
  ip: string;
  port: number;
  client: number;
  state: ReceiverState;
  /** Image bytes this receiver has OKed. */
  confirmed: number;
  joinedAt: number;
  lastHeard: number;
  reason: string | null;
}

export type SenderEvent =
  | { kind: 'joined'; receiver: ReceiverProgress }
  | { kind: 'refused'; ip: string; reason: string }
  | { kind: 'started'; receivers: number }
  | { kind: 'receiver-done'; receiver: ReceiverProgress }
  | { kind: 'dropped'; receiver: ReceiverProgress }
  | { kind: 'finished'; ok: boolean; reason: string | null };

export type Destination = 'rendezvous' | 'group' | { ip: string; port: number };

/** What the state machine asks its driver to do; the driver owns sockets and the file. */
export type SenderAction =
  | { type: 'send'; to: Destination; message: SenderMessage }
  /** Read [offset, offset+bytes) of the image and call `loaded(slice)` when it is in memory. */
  | { type: 'load'; slice: number; offset: number; bytes: number }
  /** Send these blocks of a loaded slice to the group as DATA. */
  | { type: 'blocks'; slice: number; blocks: number[] }
  /** The slice is acknowledged by everyone: its buffer can go. */
  | { type: 'release'; slice: number }
  | { type: 'event'; event: SenderEvent };
