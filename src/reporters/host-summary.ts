import type { Paint } from './color.js';
import { formatDuration, toOneLine } from './format.js';
import type { HostRecord, RunRecord } from './run-record.js';

/**
 * A host's note: the message of its last `debug` task that did not fail and was not hidden
 * (the upgrade's plan line, then its outcome line), on one line, without the host's name in
 * front (the row names it already).
 */
export function hostNote(h: HostRecord): string | undefined {
  for (let i = h.tasks.length - 1; i >= 0; i--) {
    const r = h.tasks[i];
    if (r.module !== 'debug' || !r.msg || r.censored || r.status === 'failed' || r.status === 'skipped') continue;
    const note = toOneLine(r.msg);
    return note.startsWith(`${h.name} `) ? note.slice(h.name.length).trim() : note;
  }
  return undefined;
}

/** How long the host worked: from its first task's start to its last task's end (ms); undefined before a timed task. */
export function hostTook(h: HostRecord): number | undefined {
  const timed = h.spans.filter((s) => s.startMs !== null);
  if (timed.length === 0) return undefined;
  const start = Math.min(...timed.map((s) => s.startMs!));
  const end = Math.max(...timed.map((s) => s.startMs! + s.result.durationMs));
  return Math.max(0, end - start);
}

/**
 * HOST SUMMARY, after the recap, when any host has a note: one row per host — its status,
 * how long it worked, its note (for the upgrade: `2.8.3 → 2.10.1  flush+install: …  backup …`).
 * Nothing for a run without notes: the recap says it all.
 */
export function formatHostSummary(record: RunRecord, paint: Paint): string[] {
  const rows = record.hosts().map((h) => ({ name: h.name, status: record.hostStatus(h.name), took: hostTook(h), note: hostNote(h) }));
  if (!rows.some((r) => r.note !== undefined)) return [];
  const nameWidth = Math.max(...rows.map((r) => r.name.length));
  const statusWidth = Math.max(...rows.map((r) => (r.status === 'not-reached' ? 'not reached' : r.status).length));
  const tookText = rows.map((r) => (r.took === undefined ? '' : formatDuration(r.took)));
  const tookWidth = Math.max(...tookText.map((t) => t.length));
  return [
    '',
    paint('bold', 'HOST SUMMARY'),
    ...rows.map((r, i) =>
      [
        r.name.padEnd(nameWidth),
        (r.status === 'not-reached' ? 'not reached' : r.status).padEnd(statusWidth),
        ...(tookWidth > 0 ? [tookText[i].padStart(tookWidth)] : []),
        r.note ?? '',
      ]
        .join('  ')
        .trimEnd(),
    ),
  ];
}
