import type { TaskResult } from '../engine/results.js';
import type { Paint } from './color.js';
import { toOneLine } from './format.js';
import { formatResultStatus, resultDetailLines } from './result-lines.js';
import type { RunRecord } from './run-record.js';

/**
 * What the terminal view prints under its last frame, before the recap: each failure with
 * its message and stderr tail, unreachable hosts, warnings, a halted batch, an interruption
 * (the recap, the summary line and the next step come after).
 */
export function formatRunDetails(record: RunRecord, paint: Paint): string[] {
  const lines: string[] = [];
  const failures: string[] = [];
  // Hosts that failed the same task with the same message and output are one entry.
  const alike = new Map<string, { hosts: string[]; result: TaskResult; detail: string[] }>();
  for (const h of record.hosts()) {
    if (h.unreachable && !h.tasks.some((t) => t.status === 'unreachable')) {
      failures.push(`[${h.name}] ${paint('red', `unreachable (${h.unreachable.kind})`)}: ${toOneLine(h.unreachable.msg)}`);
    }
    for (const r of h.tasks) {
      if ((r.status === 'failed' && !r.ignored) || r.status === 'unreachable') {
        const detail = resultDetailLines(r);
        const key = JSON.stringify([r.task, r.status, r.rc ?? null, r.censored === true, detail]);
        const group = alike.get(key);
        if (group) group.hosts.push(h.name);
        else alike.set(key, { hosts: [h.name], result: r, detail });
      }
    }
  }
  for (const { hosts, result, detail } of alike.values()) {
    const status = hosts.length === 1 ? formatResultStatus(result, paint) : `${formatResultStatus(result, paint, false)} on ${hosts.length} hosts, alike`;
    failures.push(`[${hosts.join(', ')}] ${result.task}: ${status}`, ...detail);
  }
  if (failures.length > 0) lines.push('', paint('red', 'FAILURES'), ...failures);
  if (record.warnings.length > 0) {
    lines.push('', paint('magenta', 'WARNINGS'));
    for (const w of record.warnings) lines.push(`${w.host ? `[${w.host}] ` : ''}${w.task ? `${w.task}: ` : ''}${w.msg}`);
  }
  if (record.halted) lines.push('', paint('red', `HALTED batch ${record.halted.batch} of ${record.halted.play}: ${record.halted.reason}`));
  if (record.interrupted || !record.ended) lines.push('', paint('red', 'INTERRUPTED: the run did not finish; results are partial'));
  return lines;
}

/** What an interrupted run does now, and how to stop waiting for it. */
export const STOPPING = 'starting nothing new, stopping the tasks in flight (they may clean up on the host); interrupt again to quit at once';

/** After a halted or unfinished run, what to do next (the hosts left are in the journal and the report). */
export function formatNextStep(record: RunRecord): string[] {
  if (!record.halted && !record.interrupted && record.ended) return [];
  return [
    'next: fix the cause, then run the same command with --retry-failed: it runs again the hosts that failed, were unreachable, stopped early or were not reached, under the same run id',
  ];
}
