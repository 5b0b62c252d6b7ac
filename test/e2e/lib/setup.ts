import { beforeAll } from 'vitest';

/**
 * beforeAll whose failure fails every test of the suite with the setup's own error (for
 * example a PrerequisiteError naming the Debian packages to install). A throwing
 * beforeAll alone makes vitest report the tests as skipped, which reads like a pass.
 */
export function setupOnce<T>(setup: () => Promise<T> | T): () => T {
  let value: T | undefined;
  let failure: unknown;
  let done = false;
  beforeAll(async () => {
    try {
      value = await setup();
      done = true;
    } catch (e) {
      failure = e;
    }
  });
  return () => {
    if (!done) throw failure ?? new Error('suite setup did not run');
    return value as T;
  };
}
