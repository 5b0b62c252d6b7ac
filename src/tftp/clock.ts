/**
 * Time as the transfer state machine sees it. Injected so tests drive timeouts with a
 * fake clock instead of sleeping.
 */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Call `fn` after `ms`; returns a handle for cancel. */
  setTimer(ms: number, fn: () => void): unknown;
  cancelTimer(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer: (ms, fn) => setTimeout(fn, ms),
  cancelTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};
