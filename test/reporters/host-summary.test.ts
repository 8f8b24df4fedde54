import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { formatHostSummary, hostNote, hostTook } from '../../src/reporters/host-summary.js';
import { RunRecord } from '../../src/reporters/run-record.js';
import { result, successfulRun } from './scenarios.js';

const noPaint = (_style: string, text: string): string => text;

function recordOf(events: EngineEvent[]): RunRecord {
  const record = new RunRecord();
  for (const e of events) record.record(e);
  return record;
}

/** The successful run, with debug tasks (plan, then outcome) on two hosts, at known times. */
function withNotes(): EngineEvent[] {
  const events = successfulRun();
  const end = events.pop()!;
  const at = (s: number): string => new Date(Date.UTC(2026, 0, 1, 10, 0, s)).toISOString();
  const debug = (host: string, task: string, msg: string, second: number, extra = {}): EngineEvent[] => [
    { type: 'task-start', play: 'upgrade', task, host, time: at(second) },
    { type: 'task-end', result: result(host, task, 'ok', { module: 'debug', msg, durationMs: 1000, ...extra }) },
  ];
  events.push(
    ...debug('mesh-01', 'plan', 'mesh-01  2.8.3 → 2.10.1  flush: yes (rules without marker)', 1),
    ...debug('mesh-01', 'outcome', 'mesh-01  2.8.3 → 2.10.1  flush+install: rules without marker  backup /var/lib/tpx/backups/r1', 11),
    ...debug('mesh-02', 'plan', 'mesh-02  2.10.1 → 2.10.1  flush: no  (nothing to do)', 2),
    // A hidden message and a skipped one are never a note.
    ...debug('mesh-02', 'secret', 'the password is x', 3, { censored: true }),
    { type: 'task-end', result: result('mesh-02', 'outcome', 'skipped', { module: 'debug', msg: 'skipped' }) },
    end,
  );
  return events;
}

describe('the host summary after the recap', () => {
  it("a host's note is its last debug message shown, without its name; its time from its first task start to its last end", () => {
    const record = recordOf(withNotes());
    expect(hostNote(record.getHost('mesh-01')!)).toBe('2.8.3 → 2.10.1  flush+install: rules without marker  backup /var/lib/tpx/backups/r1');
    expect(hostNote(record.getHost('mesh-02')!)).toBe('2.10.1 → 2.10.1  flush: no  (nothing to do)');
    expect(hostNote(record.getHost('mesh-03')!)).toBeUndefined();
    expect(hostTook(record.getHost('mesh-01')!)).toBe(11_000);
  });

  it('one aligned row per host: name, status, time, note', () => {
    expect(formatHostSummary(recordOf(withNotes()), noPaint)).toEqual([
      '',
      'HOST SUMMARY',
      'mesh-01  changed  11.00s  2.8.3 → 2.10.1  flush+install: rules without marker  backup /var/lib/tpx/backups/r1',
      'mesh-02  changed   2.00s  2.10.1 → 2.10.1  flush: no  (nothing to do)',
      'mesh-03  changed',
    ]);
  });

  it('nothing when no host has a note: the recap says it all', () => {
    expect(formatHostSummary(recordOf(successfulRun()), noPaint)).toEqual([]);
  });
});
