import { readFileSync } from 'node:fs';
import { UsageError } from '../errors/tpx-error.js';

const RETRY_STATUSES = new Set(['failed', 'unreachable', 'not-reached']);

/**
 * The hosts `--retry-failed REPORT.json` runs again: those that failed, were unreachable
 * or were never reached (a halted or interrupted rollout), and no others.
 */
export function readRetryHosts(file: string): string[] {
  let report: unknown;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--retry-failed ${file}: ${code ? `cannot read the file (${code})` : 'not a JSON report written by tpx --report'}`);
  }
  const hosts = (report as { hosts?: unknown })?.hosts;
  if (!hosts || typeof hosts !== 'object') throw new UsageError(`--retry-failed ${file}: no "hosts" in it; give a report written by tpx --report`);
  return Object.entries(hosts as Record<string, { status?: string }>)
    .filter(([, h]) => RETRY_STATUSES.has(String(h?.status)))
    .map(([name]) => name);
}
