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

describe('HostBoard rows and headline', () => {
  function live(): { b: HostBoard; at: (ms: number) => void } {
    let clock = 1_000;
    const b = new HostBoard(() => clock);
    b.apply({ type: 'run-start', playbook: 'p', hosts: ['mesh-01', 'mesh-02'], check: false, time: 't' });
    b.apply({ type: 'play-start', play: 'upgrade', hosts: ['mesh-01', 'mesh-02'] });
    return { b, at: (ms) => (clock = 1_000 + ms) };
  }

  test('the headline names the play, the batch in progress and the time since the start', () => {
    const { b, at } = live();
    at(2_500);
    expect(b.headline()).toBe('PLAY upgrade · 2.5s elapsed');
    b.apply({ type: 'batch-start', play: 'upgrade', batch: 2, batches: 3, hosts: ['mesh-02'] });
    expect(b.headline()).toBe('PLAY upgrade · batch 2/3 (1 host) · 2.5s elapsed');
    b.apply({ type: 'run-end', time: 't', stats: {}, interrupted: false, halted: null, notReached: [], stoppedEarly: [] });
    at(9_000);
    // The clock stops with the run.
    expect(b.headline()).toBe('PLAY upgrade · batch 2/3 (1 host) · 2.5s elapsed');
  });

  test('after an interrupt the headline says what happens now and how to quit at once, until the run ends', () => {
    const { b } = live();
    b.apply({ type: 'interrupted', signal: 'SIGINT' });
    expect(b.headline()).toMatch(/ · INTERRUPTED \(SIGINT\): starting nothing new, .* interrupt again to quit at once$/);
    b.finishAll();
    expect(b.headline()).not.toContain('INTERRUPTED');
  });

  test("a running row counts down to the task's timeout and shows a retry's attempt", () => {
    const { b, at } = live();
    b.apply({ type: 'task-start', play: 'upgrade', task: 'install', host: 'mesh-01' });
    b.apply({ type: 'task-attempt', host: 'mesh-01', task: 'install', attempt: 1, attempts: 1, timeoutMs: 150_000 });
    at(30_000);
    expect(b.rowText(0, 7, 100, false)).toBe('mesh-01  install  30.0s  timeout in 2m00s');
    b.apply({ type: 'task-attempt', host: 'mesh-01', task: 'install', attempt: 3, attempts: 6, timeoutMs: 20_000 });
    at(31_500);
    expect(b.rowText(0, 7, 100, false)).toBe('mesh-01  install  31.5s  attempt 3/6  timeout in 19s');
    // The next task starts without either.
    b.apply({ type: 'task-end', result: result('mesh-01', 'install', 'changed') });
    b.apply({ type: 'task-start', play: 'upgrade', task: 'verify', host: 'mesh-01' });
    expect(b.rowText(0, 7, 100, false)).toBe('mesh-01  verify  0.0s');
  });

  test("a host's last debug message (the upgrade's plan line) stays on its row; a censored one does not", () => {
    const { b } = live();
    b.apply({
      type: 'task-end',
      result: result('mesh-01', 'plan', 'ok', { module: 'debug', msg: 'mesh-01  2.8.3 → 2.10.1  flush: yes\n(rules without marker)' }),
    });
    b.apply({ type: 'task-end', result: result('mesh-01', 'install', 'changed', { module: 'shell', msg: 'not a note' }) });
    expect(b.rowText(0, 7, 200, false)).toMatch(
      /^mesh-01 {2}changed so far {2}ok=\d+ changed=\d+ .*· 2\.8\.3 → 2\.10\.1 {2}flush: yes \(rules without marker\)$/,
    );
    b.apply({ type: 'task-end', result: result('mesh-02', 'plan', 'ok', { module: 'debug', msg: 'hidden', censored: true }) });
    expect(b.rowText(1, 7, 200, false)).not.toContain('hidden');
  });
});
