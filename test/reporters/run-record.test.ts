import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { RunRecord } from '../../src/reporters/run-record.js';
import { failingRun, haltedRollout, successfulRun } from './scenarios.js';

function recordOf(events: readonly EngineEvent[]): RunRecord {
  const record = new RunRecord();
  for (const e of events) record.record(e);
  return record;
}

describe('RunRecord', () => {
  test.each([
    ['successful', successfulRun()],
    ['failing', failingRun()],
    ['halted', haltedRollout()],
  ])('%s run: counting task-ends gives the engine’s own recap (used when run-end never comes)', (_name, events) => {
    const end = events.at(-1) as Extract<EngineEvent, { type: 'run-end' }>;
    const partial = recordOf(events.slice(0, -1));
    for (const [host, stats] of Object.entries(end.stats)) expect(partial.getHost(host)?.stats, host).toEqual(stats);
  });

  test('host status: worst of its tasks; unreachable counted once though host-unreachable and task-end both come', () => {
    const record = recordOf([
      { type: 'run-start', playbook: 'p', hosts: ['a', 'b', 'c', 'd'], check: false, time: 't' },
      { type: 'task-end', result: { play: 'p', task: 't1', host: 'a', status: 'skipped', changed: false, failed: false, skipped: true, durationMs: 1 } },
      { type: 'task-end', result: { play: 'p', task: 't2', host: 'a', status: 'changed', changed: true, failed: false, skipped: false, durationMs: 1 } },
      {
        type: 'task-end',
        result: { play: 'p', task: 't1', host: 'b', status: 'failed', changed: true, failed: true, skipped: false, ignored: true, durationMs: 1 },
      },
      { type: 'host-unreachable', host: 'c', kind: 'auth', msg: 'denied' },
      { type: 'task-end', result: { play: 'p', task: 't1', host: 'c', status: 'unreachable', changed: false, failed: true, skipped: false, durationMs: 1 } },
    ]);
    expect(['a', 'b', 'c', 'd'].map((h) => record.hostStatus(h))).toEqual(['changed', 'changed', 'unreachable', 'not-reached']);
    expect(record.getHost('c')?.stats.unreachable).toBe(1);
    expect(record.getHost('b')?.stats).toMatchObject({ ok: 1, changed: 1, ignored: 1, failed: 0 });
  });
});
