import type { TaskResult } from '../../engine/results.js';

/** How a task is drawn: its status, with a failure that `ignore_errors` let pass told apart. */
export type BarStatus = 'ok' | 'changed' | 'failed' | 'ignored' | 'rescued' | 'skipped' | 'unreachable';

/** The colour of each status, in the timeline, the legend and the status badges (one place). */
export const STATUS_COLORS: Readonly<Record<BarStatus, string>> = {
  ok: '#3fa34d',
  changed: '#e6a700',
  failed: '#d1242f',
  ignored: '#f08a5d',
  rescued: '#2f6fdb',
  skipped: '#9aa4b2',
  unreachable: '#8e3fd0',
};

/** What each colour means, for the legend. */
export const STATUS_LABELS: Readonly<Record<BarStatus, string>> = {
  ok: 'ok',
  changed: 'changed',
  failed: 'failed',
  ignored: 'failed, ignored',
  rescued: 'rescued',
  skipped: 'skipped',
  unreachable: 'unreachable',
};

/** The status a task result is drawn with. */
export function barStatus(result: Pick<TaskResult, 'status' | 'ignored'>): BarStatus {
  return result.status === 'failed' && result.ignored === true ? 'ignored' : result.status;
}
