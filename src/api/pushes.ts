/**
 * What the API needs from the multicast engineer's PushManager (src/multicast/manager.ts).
 * Optional: without one the push routes answer 501.
 */
export interface PushManagerLike {
  list(): unknown[];
  get(id: string): unknown;
  start(input: Record<string, unknown>): unknown;
  cancel(id: string): unknown;
}
