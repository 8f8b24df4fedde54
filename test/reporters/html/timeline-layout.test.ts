import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../../src/engine/events.js';
import type { TaskResult } from '../../../src/engine/results.js';
import { SecretMasker } from '../../../src/errors/mask-secrets.js';
import { buildHtmlModel } from '../../../src/reporters/html/report-model.js';
import { STATUS_COLORS } from '../../../src/reporters/html/status-colors.js';
import { HALT_COLOR, INTERRUPT_COLOR, layoutTimeline, tickLabel, TIMELINE_SIZES } from '../../../src/reporters/html/timeline-layout.js';
import { RunRecord } from '../../../src/reporters/run-record.js';
import { haltedMidPlay, result } from '../scenarios.js';

const T0 = Date.parse('2026-01-01T10:00:00.000Z');
const at = (ms: number): string => new Date(T0 + ms).toISOString();

function layoutOf(events: readonly EngineEvent[]) {
  const record = new RunRecord();
  for (const e of events) record.record(e);
  const model = buildHtmlModel(record, new SecretMasker(), new Date(T0 + 10_000));
  return { model, layout: layoutTimeline(model.timeline) };
}

/** A task on a host: task-start at `startMs` (after the run's start), task-end `durationMs` later. */
function task(host: string, name: string, status: TaskResult['status'], startMs: number, durationMs: number, extra: Partial<TaskResult> = {}): EngineEvent[] {
  return [
    { type: 'task-start', play: 'upgrade', task: name, host, time: at(startMs) },
    { type: 'task-end', result: result(host, name, status, { durationMs, ...extra }) },
  ];
}

/** serial [2, 2]: batch 1 runs 0–4 s; batch 2 4–8 s, where c fails and the rollout halts; e is never reached. */
function rollout(): EngineEvent[] {
  const hosts = ['a', 'b', 'c', 'd', 'e', 'f'];
  return [
    { type: 'run-start', playbook: 'p', hosts, check: false, time: at(0) },
    { type: 'play-start', play: 'upgrade', hosts },
    { type: 'batch-start', play: 'upgrade', batch: 1, batches: 3, hosts: ['a', 'b'] },
    ...task('a', 'detect', 'ok', 0, 1000),
    ...task('b', 'detect', 'ok', 0, 1000),
    ...task('a', 'optional', 'skipped', 1000, 0),
    ...task('a', 'install', 'changed', 1000, 3000),
    ...task('b', 'install', 'failed', 1000, 2000, { ignored: true }),
    { type: 'batch-start', play: 'upgrade', batch: 2, batches: 3, hosts: ['c', 'd'] },
    ...task('c', 'detect', 'unreachable', 4000, 1000),
    ...task('d', 'detect', 'ok', 4000, 1000),
    ...task('d', 'install', 'failed', 5000, 3000),
    { type: 'batch-halted', play: 'upgrade', batch: 2, reason: 'max_fail_percentage 0% exceeded', remaining: ['e', 'f'] },
    {
      type: 'run-end',
      time: at(8000),
      stats: {},
      interrupted: false,
      halted: { play: 'upgrade', batch: 2, reason: 'max_fail_percentage 0% exceeded' },
      notReached: ['e', 'f'],
      stoppedEarly: [],
    },
  ];
}

describe('layoutTimeline', () => {
  const S = TIMELINE_SIZES;
  const px = (ms: number): number => S.labelWidth + Math.round((ms / 8000) * S.plotWidth);

  test('one header per batch, one row per host under it, then the hosts never reached', () => {
    const { layout } = layoutOf(rollout());
    expect(layout.groups.map((g) => g.title)).toEqual([
      'upgrade · batch 1 of 3 · 2 hosts · 4.00s',
      'upgrade · batch 2 of 3 · 2 hosts · 4.00s',
      'not reached: the run stopped before these 2 hosts',
    ]);
    expect(layout.rows.map((r) => [r.host, r.y, r.note])).toEqual([
      ['a', layout.groups[0].y + S.groupHeight, null],
      ['b', layout.groups[0].y + S.groupHeight + S.rowHeight, null],
      ['c', layout.groups[1].y + S.groupHeight, null],
      ['d', layout.groups[1].y + S.groupHeight + S.rowHeight, null],
      ['e', layout.groups[2].y + S.groupHeight, 'not reached'],
      ['f', layout.groups[2].y + S.groupHeight + S.rowHeight, 'not reached'],
    ]);
  });

  test('each task is a bar in its host’s row, at its time, as long as it took, in its status colour', () => {
    const { layout } = layoutOf(rollout());
    const rowY = (host: string): number => layout.rows.find((r) => r.host === host)!.y;
    expect(layout.bars.map((b) => [b.host, b.task, b.status, b.x, b.width, b.y - rowY(b.host), b.color])).toEqual([
      ['a', 'detect', 'ok', px(0), px(1000) - px(0), S.barInset, STATUS_COLORS.ok],
      // Too short to see: the minimum width; the next bar starts after it and still ends at its time.
      ['a', 'optional', 'skipped', px(1000), S.minBarWidth, S.barInset, STATUS_COLORS.skipped],
      ['a', 'install', 'changed', px(1000) + S.minBarWidth, px(4000) - px(1000) - S.minBarWidth, S.barInset, STATUS_COLORS.changed],
      ['b', 'detect', 'ok', px(0), px(1000) - px(0), S.barInset, STATUS_COLORS.ok],
      ['b', 'install', 'ignored', px(1000), px(3000) - px(1000), S.barInset, STATUS_COLORS.ignored],
      ['c', 'detect', 'unreachable', px(4000), px(5000) - px(4000), S.barInset, STATUS_COLORS.unreachable],
      ['d', 'detect', 'ok', px(4000), px(5000) - px(4000), S.barInset, STATUS_COLORS.ok],
      ['d', 'install', 'failed', px(5000), px(8000) - px(5000), S.barInset, STATUS_COLORS.failed],
    ]);
    expect(layout.bars[2].label).toBe('install');
    expect(layout.bars[2].title).toBe('a · install · changed · 3.00s (from +1.00s)');
    expect(layout.rows.map((r) => r.right)).toEqual(['4.00s', '3.00s', '1.00s', '4.00s', '', '']);
  });

  test('the halt line is at the end of the halted batch’s last task, with its reason', () => {
    const { layout } = layoutOf(rollout());
    expect(layout.marks).toEqual([
      { x: px(8000), labelY: S.markHeight - 4, color: HALT_COLOR, label: 'halted: batch 2 of "upgrade": max_fail_percentage 0% exceeded' },
    ]);
    expect(layout.bodyY).toBe(S.markHeight + S.axisHeight);
  });

  test('stopped early: marked after the host’s last task; the host never reached gets its own group', () => {
    const { layout } = layoutOf(haltedMidPlay());
    const stopped = layout.rows.find((r) => r.host === 'mesh-02')!;
    const lastBar = layout.bars.filter((b) => b.host === 'mesh-02').at(-1)!;
    expect(stopped.stopX).toBe(lastBar.x + lastBar.width);
    expect(stopped.right).toMatch(/, stopped early$/);
    expect(layout.rows.filter((r) => r.stopX !== null).map((r) => r.host)).toEqual(['mesh-02']);
    expect(layout.groups.at(-1)!.title).toBe('not reached: the run stopped before this host');
    expect(layout.rows.at(-1)).toMatchObject({ host: 'mesh-04', note: 'not reached' });
  });

  test('an interrupted run: a line at its end; tasks without times follow one another', () => {
    const { layout, model } = layoutOf([
      { type: 'run-start', playbook: 'p', hosts: ['a', 'b'], check: true, time: at(0) },
      { type: 'play-start', play: 'upgrade', hosts: ['a', 'b'] },
      { type: 'task-start', play: 'upgrade', task: 't1', host: 'a' },
      { type: 'task-end', result: result('a', 't1', 'ok', { durationMs: 2000 }) },
      { type: 'task-start', play: 'upgrade', task: 't2', host: 'a' },
      { type: 'task-end', result: result('a', 't2', 'changed', { durationMs: 3000 }) },
      { type: 'interrupted', signal: 'SIGINT' },
    ]);
    expect(model.timeline.endMs).toBe(10_000);
    expect(model.timeline.groups.map((g) => [g.play, g.batch, g.rows.map((r) => r.host)])).toEqual([
      ['upgrade', null, ['a']],
      ['', null, ['b']],
    ]);
    const x = (ms: number): number => S.labelWidth + Math.round((ms / 10_000) * S.plotWidth);
    expect(layout.bars.map((b) => [b.x, b.width])).toEqual([
      [x(0), x(2000) - x(0)],
      [x(2000), x(5000) - x(2000)],
    ]);
    expect(layout.marks).toEqual([{ x: x(10_000), labelY: S.markHeight - 4, color: INTERRUPT_COLOR, label: 'interrupted (SIGINT)' }]);
  });

  test.each([
    [0, '0'],
    [200, '0.2s'],
    [1500, '1.5s'],
    [30_000, '30s'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
  ])('tick label %d ms → %s', (ms, label) => {
    expect(tickLabel(ms)).toBe(label);
  });

  test('about eight ticks, at round steps', () => {
    const { layout } = layoutOf(rollout());
    expect(layout.ticks.map((t) => t.label)).toEqual(['0', '1s', '2s', '3s', '4s', '5s', '6s', '7s', '8s']);
  });
});

describe('layoutTimeline: short tasks at the end of the run', () => {
  test('stay inside the plot: moved back from its right edge, each still its minimum width, in order', () => {
    const S = TIMELINE_SIZES;
    const hosts = ['a'];
    const quick = Array.from({ length: 6 }, (_, i) => task('a', `quick ${i}`, 'ok', 8000, 0)).flat();
    const { layout } = layoutOf([
      { type: 'run-start', playbook: 'p', hosts, check: false, time: at(0) },
      { type: 'play-start', play: 'upgrade', hosts },
      ...task('a', 'long', 'changed', 0, 8000),
      ...quick,
      { type: 'run-end', time: at(8000), stats: {}, interrupted: false, halted: null, notReached: [], stoppedEarly: [] },
    ]);
    const end = S.labelWidth + S.plotWidth;
    const bars = layout.bars.filter((b) => b.task.startsWith('quick'));
    expect(bars).toHaveLength(6);
    for (const b of bars) {
      expect(b.width).toBe(S.minBarWidth);
      expect(b.x + b.width, b.task).toBeLessThanOrEqual(end);
    }
    expect(bars.at(-1)!.x + bars.at(-1)!.width).toBe(end);
    for (let i = 1; i < bars.length; i++) expect(bars[i].x).toBe(bars[i - 1].x + bars[i - 1].width);
  });
});
