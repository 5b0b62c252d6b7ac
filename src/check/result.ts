/**
 * What `rackboot check` reports: one result per check, in the order they ran. `ok` = nothing
 * to do; `warn` = rackboot starts but something is likely wrong (serve logs it and goes on);
 * `fail` = nodes will not boot, or serve will not start.
 */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  check: string;
  status: CheckStatus;
  message: string;
}

export const ok = (check: string, message: string): CheckResult => ({ check, status: 'ok', message });
export const warn = (check: string, message: string): CheckResult => ({ check, status: 'warn', message });
export const fail = (check: string, message: string): CheckResult => ({ check, status: 'fail', message });

const RANK: Record<CheckStatus, number> = { ok: 0, warn: 1, fail: 2 };

/** The worst status of a list (ok for an empty one). */
export function worst(results: readonly CheckResult[]): CheckStatus {
  return results.reduce<CheckStatus>((w, r) => (RANK[r.status] > RANK[w] ? r.status : w), 'ok');
}

/**
 * The exit code of `rackboot check`: 0 when every check is ok or warn, 1 on any fail — as
 * `dnsmasq --test` and `kea-dhcp4 -t` answer "will it start", a warning alone does not fail
 * a deployment script. (A usage error exits 1 too, through commander.)
 */
export const exitCode = (results: readonly CheckResult[]): number => (worst(results) === 'fail' ? 1 : 0);

/**
 * One line per check: `ok    config  …`, the status padded to 4 and the check name to the
 * longest one, so the messages line up. A message with several lines (a config error lists
 * every bad key) continues indented under its first line.
 */
export function formatResults(results: readonly CheckResult[]): string {
  const width = Math.max(0, ...results.map((r) => r.check.length));
  const indent = ' '.repeat(4 + 2 + width + 2);
  return results
    .map((r) => `${r.status.padEnd(4)}  ${r.check.padEnd(width)}  ${r.message.split('\n').map((l) => l.trim()).join(`\n${indent}`)}`)
    .join('\n');
}

/** `--json`: an array of {check, status, message}. */
export const formatJson = (results: readonly CheckResult[]): string => JSON.stringify(results.map(({ check, status, message }) => ({ check, status, message })), null, 2);
