import type { HostStats } from '../engine/results.js';
import type { Paint, Style } from './color.js';
import { formatDuration } from './format.js';
import type { ReportHostStatus, RunRecord } from './run-record.js';

/** The recap columns, in the order shown. */
export const RECAP_COLUMNS = ['ok', 'changed', 'failed', 'skipped', 'unreachable', 'rescued', 'ignored'] as const;

const columnStyle: Record<(typeof RECAP_COLUMNS)[number], Style> = {
  ok: 'green',
  changed: 'yellow',
  failed: 'red',
  skipped: 'cyan',
  unreachable: 'red',
  rescued: 'magenta',
  ignored: 'magenta',
};

const hostStyle: Record<ReportHostStatus, Style> = {
  ok: 'green',
  changed: 'yellow',
  failed: 'red',
  unreachable: 'red',
  skipped: 'cyan',
  'not-reached': 'dim',
};

/** One recap row. */
export interface RecapRow {
  readonly host: string;
  readonly status: ReportHostStatus;
  readonly stats: HostStats;
  /** A halt or an interrupt stopped the host after some of its tasks ran. */
  readonly stoppedEarly?: boolean;
}

/** The rows of a run's recap, in inventory order. */
export function recapRows(record: RunRecord): RecapRow[] {
  return record.hosts().map((h) => ({ host: h.name, status: record.hostStatus(h.name), stats: h.stats, stoppedEarly: record.stoppedEarly.includes(h.name) }));
}

/**
 * The PLAY RECAP table, columns aligned as Ansible prints them:
 * `mesh-01 : ok=5    changed=2    failed=0 …`. Hosts a halt or an interrupt stopped before the
 * end (their counts say what they did) and hosts never reached are named after it.
 */
export function formatRecap(rows: readonly RecapRow[], paint: Paint): string {
  if (rows.length === 0) return 'PLAY RECAP\n(no hosts)\n';
  const hostWidth = Math.max(...rows.map((r) => r.host.length));
  const widths = RECAP_COLUMNS.map((c) => Math.max(...rows.map((r) => `${c}=${r.stats[c]}`.length)) + 3);
  const lines = rows.map((r) => {
    const host = paint(hostStyle[r.status], r.host) + ' '.repeat(hostWidth - r.host.length);
    const cells = RECAP_COLUMNS.map((c, i) => {
      const cell = `${c}=${r.stats[c]}`;
      const pad = i === RECAP_COLUMNS.length - 1 ? '' : ' '.repeat(widths[i] - cell.length);
      return (r.stats[c] > 0 ? paint(columnStyle[c], cell) : cell) + pad;
    });
    return `${host} : ${cells.join('')}`;
  });
  const stopped = rows.filter((r) => r.stoppedEarly).map((r) => r.host);
  const notReached = rows.filter((r) => r.status === 'not-reached').map((r) => r.host);
  const tail = [
    ...(stopped.length > 0 ? [paint('yellow', `stopped before the end, after some of their tasks ran (${stopped.length}): ${stopped.join(', ')}`)] : []),
    ...(notReached.length > 0 ? [paint('dim', `not reached (${notReached.length}): ${notReached.join(', ')}`)] : []),
  ];
  return ['PLAY RECAP', ...lines, ...tail].join('\n') + '\n';
}

/**
 * The run in one line, after the recap: `30 hosts: 28 changed, 2 ok, 0 failed in 5.62s`
 * (unreachable, skipped and not reached hosts named when there are any; the time from the
 * run's start to its end, when it finished; how it ended when it did not end normally).
 */
export function formatRunSummary(record: RunRecord): string {
  const rows = recapRows(record);
  const durationMs = runDuration(record);
  const count = (status: ReportHostStatus): number => rows.filter((r) => r.status === status).length;
  const parts = [`${count('changed')} changed`, `${count('ok')} ok`, `${count('failed')} failed`];
  for (const status of ['unreachable', 'skipped', 'not-reached'] as const) {
    if (count(status) > 0) parts.push(`${count(status)} ${status === 'not-reached' ? 'not reached' : status}`);
  }
  const took = durationMs === null ? '' : ` in ${formatDuration(durationMs)}`;
  const ending =
    record.interrupted || !record.ended ? ' (interrupted)' : record.halted ? ` (halted in batch ${record.halted.batch} of ${record.halted.play})` : '';
  return `${rows.length} host${rows.length === 1 ? '' : 's'}: ${parts.join(', ')}${took}${ending}`;
}

/** Milliseconds from the run's start to its end, or null when it did not finish (or the times do not parse). */
function runDuration(record: RunRecord): number | null {
  if (record.started === null || record.finished === null) return null;
  const ms = Date.parse(record.finished) - Date.parse(record.started);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}
