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

describe('RunRecord: tasks in time (the HTML report’s timeline)', () => {
  const result = (host: string, task: string) =>
    ({ play: 'p', task, host, status: 'ok', changed: false, failed: false, skipped: false, durationMs: 5 }) as const;

  test('each result keeps its task-start time and its batch; a start without time is null; the interrupt signal is kept', () => {
    const record = recordOf([
      { type: 'run-start', playbook: 'p', hosts: ['a', 'b'], check: false, time: '2026-01-01T10:00:00.000Z' },
      { type: 'play-start', play: 'p', hosts: ['a', 'b'] },
      { type: 'batch-start', play: 'p', batch: 1, batches: 2, hosts: ['a'] },
      { type: 'task-start', play: 'p', task: 't1', host: 'a', time: '2026-01-01T10:00:01.500Z' },
      { type: 'task-end', result: result('a', 't1') },
      { type: 'task-start', play: 'p', task: 't2', host: 'a' },
      { type: 'task-end', result: result('a', 't2') },
      { type: 'batch-start', play: 'p', batch: 2, batches: 2, hosts: ['b'] },
      { type: 'task-start', play: 'p', task: 't1', host: 'b', time: 'not a time' },
      { type: 'task-end', result: result('b', 't1') },
      { type: 'interrupted', signal: 'SIGTERM' },
    ]);
    const a = record.getHost('a')!;
    expect(a.spans.map((s) => [s.result.task, s.startMs, s.batch?.number])).toEqual([
      ['t1', Date.parse('2026-01-01T10:00:01.500Z'), 1],
      ['t2', null, 1],
    ]);
    expect(a.spans.map((s) => s.result)).toEqual(a.tasks);
    expect(record.getHost('b')!.spans.map((s) => [s.startMs, s.batch])).toEqual([[null, { play: 'p', number: 2, of: 2, hosts: ['b'] }]]);
    expect(record.batches.map((b) => b.number)).toEqual([1, 2]);
    expect(record.interruptSignal).toBe('SIGTERM');
  });

  test('a new play starts without a batch until its batch-start', () => {
    const record = recordOf([
      { type: 'play-start', play: 'p1', hosts: ['a'] },
      { type: 'batch-start', play: 'p1', batch: 1, batches: 1, hosts: ['a'] },
      { type: 'play-start', play: 'p2', hosts: ['a'] },
      { type: 'task-end', result: result('a', 't') },
    ]);
    expect(record.getHost('a')!.spans[0].batch).toBeNull();
  });
});
