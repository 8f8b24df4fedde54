import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { HostBoard } from '../../src/reporters/host-board.js';
import { result } from './scenarios.js';

function board(hosts: number, failed: number[], running: number[]): HostBoard {
  const b = new HostBoard(() => 0);
  const names = Array.from({ length: hosts }, (_, i) => `h${i}`);
  const events: EngineEvent[] = [{ type: 'run-start', playbook: 'p', hosts: names, check: false, time: 't' }];
  for (const i of failed) events.push({ type: 'task-end', result: result(`h${i}`, 't', 'failed', { msg: 'boom' }) });
  for (const i of running) events.push({ type: 'task-start', play: 'p', task: 't', host: `h${i}` });
  events.forEach((e) => b.apply(e));
  return b;
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('HostBoard.layout', () => {
  test('every host gets a row while they fit in rows - 1', () => {
    const b = board(9, [], [0]);
    expect(b.layout(10, 80)).toEqual({ visible: range(0, 9), summary: null });
  });

  test('collapsed: summary + active and failed rows, never more than rows - 1 lines', () => {
    const b = board(50, [3, 40], range(10, 20));
    const { visible, summary } = b.layout(10, 200);
    expect(visible.length + 1).toBeLessThanOrEqual(9);
    expect(visible).toEqual([3, 10, 11, 12, 13, 14, 15, 40]);
    expect(summary).toBe('10 running (4 not shown) · 38 waiting · 2 failed');
  });

  test('many failures keep at least half the rows, the rest go to running hosts', () => {
    const b = board(100, range(0, 30), range(50, 80));
    const { visible, summary } = b.layout(12, 200);
    expect(visible.filter((i) => i < 30)).toHaveLength(5);
    expect(visible.filter((i) => i >= 50)).toHaveLength(5);
    expect(summary).toContain('30 running (25 not shown)');
    expect(summary).toContain('30 failed (25 not shown)');
  });

  test('a tiny terminal still shows a summary and one row; the summary is cut to the width', () => {
    const b = board(20, [1], range(2, 10));
    const { visible, summary } = b.layout(2, 20);
    expect(visible).toEqual([1]);
    expect(summary).toHaveLength(20);
    expect(summary!.endsWith('…')).toBe(true);
  });
});
