import { existsSync, readFileSync } from 'node:fs';
import { nameSome } from '../errors/name-list.js';
import { ExitCode, TpxError, UsageError } from '../errors/tpx-error.js';
import type { Inventory } from '../inventory/types.js';
import { findNewestJournal, reportJournalPath } from '../reporters/journal-paths.js';

const RETRY_STATUSES = new Set(['failed', 'unreachable', 'not-reached']);
const FINISHED = new Set(['ok', 'changed', 'skipped']);

/** What `--retry-failed` runs: these hosts, under the earlier run's id (unless `-e tpx_run_id`). */
export interface RetryPlan {
  /** Those that failed or were unreachable first, then the ones a halt or an interrupt left (each in run order). */
  readonly hosts: string[];
  /** The earlier run's id, when its report or journal names one. */
  readonly runId?: string;
  /** The file the hosts were read from. */
  readonly source: string;
}

/**
 * The hosts `--retry-failed FILE` runs again, from a report (`--report`) or a run journal:
 * those that failed, were unreachable or never finished (a halted, interrupted or killed
 * run), and no others.
 */
export function readRetryPlan(file: string): RetryPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--retry-failed ${file}: cannot read the file (${code ?? 'error'})`);
  }
  if (text.startsWith('{"type":"journal"')) return { ...readJournalRetry(text, file), source: file };
  return { ...readReportRetry(text, file), source: file };
}

/** The hosts of a report to run again (kept for callers that want only the names). */
export function readRetryHosts(file: string): string[] {
  return readRetryPlan(file).hosts;
}

/**
 * `--retry-failed` without a file: `--report FILE`'s journal (`FILE.journal`) or the report
 * itself when there, else the newest journal of this playbook in the journal directory.
 */
export function findRetrySource(playbookFile: string, reportFile: string | undefined, journalDir?: string, inventories?: readonly string[]): string {
  if (reportFile) {
    if (existsSync(reportJournalPath(reportFile))) return reportJournalPath(reportFile);
    if (existsSync(reportFile)) return reportFile;
  }
  const newest = findNewestJournal(playbookFile, journalDir, inventories);
  if (newest) return newest;
  throw new UsageError(
    `--retry-failed: no earlier run of ${playbookFile} found (no journal in the journal directory${reportFile ? `, no ${reportFile}` : ''}); give one: --retry-failed REPORT.json or JOURNAL.jsonl`,
  );
}

function readReportRetry(text: string, file: string): { hosts: string[]; runId?: string } {
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch {
    throw new UsageError(`--retry-failed ${file}: not a JSON report written by tpx --report, nor a run journal`);
  }
  const hosts = (report as { hosts?: unknown })?.hosts;
  if (!hosts || typeof hosts !== 'object') throw new UsageError(`--retry-failed ${file}: no "hosts" in it; give a report written by tpx --report`);
  const runId = (report as { run_id?: unknown }).run_id;
  const entries = Object.entries(hosts as Record<string, { status?: string; stopped_early?: boolean }>);
  return {
    hosts: failedFirst(
      entries.filter(([, h]) => RETRY_STATUSES.has(String(h?.status)) || h?.stopped_early === true).map(([name]) => name),
      new Set(entries.filter(([, h]) => h?.status === 'failed' || h?.status === 'unreachable').map(([name]) => name)),
    ),
    ...(typeof runId === 'string' ? { runId } : {}),
  };
}

/**
 * A journal's hosts to run again: every host a run of it targeted (`run-start`) whose last
 * `host-end` is not ok, changed or skipped — or that has none. Lines that do not parse (the
 * last one of a killed run may be cut) are skipped.
 */
export function readJournalRetry(text: string, file = 'journal'): { hosts: string[]; runId?: string } {
  const targeted = new Set<string>();
  const ended = new Map<string, string>();
  let runId: string | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let entry: { type?: unknown; hosts?: unknown; host?: unknown; status?: unknown; run_id?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (entry.type === 'journal' && typeof entry.run_id === 'string') runId ??= entry.run_id;
    if (entry.type === 'run-start' && Array.isArray(entry.hosts)) for (const h of entry.hosts) targeted.add(String(h));
    if (entry.type === 'host-end' && typeof entry.host === 'string') ended.set(entry.host, String(entry.status));
  }
  if (!runId) throw new UsageError(`--retry-failed ${file}: not a run journal (no header line)`);
  const failed = new Set([...ended].filter(([, status]) => status === 'failed' || status === 'unreachable').map(([h]) => h));
  return {
    hosts: failedFirst(
      [...targeted].filter((h) => !FINISHED.has(ended.get(h) ?? '')),
      failed,
    ),
    runId,
  };
}

/** The hosts that failed before the others: a rolling retry's first batch is one that failed, not one already done. */
function failedFirst(hosts: readonly string[], failed: ReadonlySet<string>): string[] {
  return [...hosts.filter((h) => failed.has(h)), ...hosts.filter((h) => !failed.has(h))];
}

/**
 * What a retry plan means for this inventory: `nothing` when the earlier run left no host to
 * run again (said on stdout, exit 0, nothing connects). Hosts the inventory does not have are
 * named through `warn`; when it has none of them the plan is for another fleet: an error.
 */
export function checkRetryPlan(plan: RetryPlan, inventory: Inventory, warn: (msg: string) => void): 'nothing' | 'run' {
  if (plan.hosts.length === 0) return 'nothing';
  const unknown = plan.hosts.filter((h) => !inventory.hosts.has(h));
  if (unknown.length === plan.hosts.length) {
    throw new TpxError(
      'retry',
      `--retry-failed ${plan.source}: none of the hosts it would run again (${nameSome(unknown, 8)}) is in this inventory; was that run on another fleet? Give the same -i, or the report or journal of this fleet's run.`,
      { exitCode: ExitCode.error },
    );
  }
  if (unknown.length > 0) warn(`--retry-failed ${plan.source}: ${unknown.join(', ')} not in this inventory; left out`);
  return 'run';
}
