/**
 * What the API needs from src/multicast/manager.ts's PushManager (structurally, so the
 * API builds and runs without multicast). Without one the push routes answer 501.
 */
export interface PushStartOptions {
  duplex?: 'half' | 'full';
  maxBitrate?: number | null;
  minReceivers?: number;
  maxWait?: number;
  startTimeout?: number | null;
  by?: string;
}

export interface PushSummary {
  id: number;
  state: string;
}

export interface PushManagerLike {
  /** Resolves with the push id once its sockets are bound. */
  start(target: string, image: string, o?: PushStartOptions): Promise<number>;
  /** One push with its receivers; throws NotFoundError for an unknown id. */
  progress(id: number): PushSummary;
  cancel(id: number, reason?: string): void;
  /** Running first, then history, newest first. */
  list(limit?: number): PushSummary[];
}
