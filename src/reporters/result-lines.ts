import type { TaskResult } from '../engine/results.js';
import type { Paint, Style } from './color.js';
import { formatDuration, tailLines } from './format.js';
import { CENSORED_MSG } from './report-file.js';

/** How many lines of stderr (or stdout) a failure shows. */
export const FAILURE_TAIL_LINES = 10;

const statusStyle: Record<TaskResult['status'], Style> = {
  ok: 'green',
  changed: 'yellow',
  failed: 'red',
  skipped: 'cyan',
  unreachable: 'red',
  rescued: 'magenta',
};

/**
 * `ok (0.21s)`, `failed (1.20s) rc=1`, `failed, ignored (0.10s)`: the status part of a result
 * line (without the time when it stands for several hosts' results).
 */
export function formatResultStatus(r: TaskResult, paint: Paint, withDuration = true): string {
  const label = r.status === 'failed' && r.ignored ? 'failed, ignored' : r.status;
  const rc = r.status === 'failed' && typeof r.rc === 'number' ? ` rc=${r.rc}` : '';
  const hidden = r.censored ? ' (output hidden: no_log)' : '';
  return `${paint(statusStyle[r.status], label)}${withDuration ? ` (${formatDuration(r.durationMs)})` : ''}${rc}${hidden}`;
}

/**
 * The indented detail under a result line: the message, and for a failure the tail of
 * stderr (or of stdout when stderr is empty). A `no_log` result shows nothing of its output.
 */
export function resultDetailLines(r: TaskResult, indent = '    '): string[] {
  if (r.censored) return r.status === 'failed' && !r.ignored ? [`${indent}msg: ${CENSORED_MSG}`] : [];
  const lines: string[] = [];
  if (r.msg) lines.push(...r.msg.split('\n').map((l, i) => `${indent}${i === 0 ? 'msg: ' : '     '}${l}`));
  if (r.status === 'failed' || r.status === 'unreachable') {
    const source = r.stderr?.trim() ? { name: 'stderr', text: r.stderr } : { name: 'stdout', text: r.stdout };
    const tail = tailLines(source.text, FAILURE_TAIL_LINES);
    if (tail.length > 0) lines.push(`${indent}${source.name}:`, ...tail.map((l) => `${indent}  ${l}`));
  }
  if (r.diff)
    lines.push(
      ...r.diff
        .replace(/\n$/, '')
        .split('\n')
        .map((l) => `${indent}${l}`),
    );
  return lines;
}
