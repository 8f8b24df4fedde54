import { describe, expect, it } from 'vitest';
import { RunRecord } from '../../src/reporters/run-record.js';
import { fleetInventory } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();

describe('task-start carries the time the task started on the host', () => {
  it('each task-start has an ISO time, within the run, before its task-end; the record keeps it per task with the batch', async () => {
    const before = Date.now();
    const r = await run(
      `
- name: p
  hosts: web
  serial: 1
  tasks:
    - name: first
      shell: sleep 0.2
    - name: second
      debug: { msg: hi }
`,
      fleetInventory(2),
    );
    const after = Date.now();
    const starts = r.events.flatMap((e) => (e.type === 'task-start' ? [e] : []));
    expect(starts).toHaveLength(4);
    for (const s of starts) {
      expect(s.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const ms = Date.parse(s.time!);
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(after);
    }

    const record = new RunRecord();
    for (const e of r.events) record.record(e);
    const spans = ['h01', 'h02'].flatMap((h) => record.getHost(h)!.spans);
    expect(spans.map((s) => [s.result.host, s.result.task, s.batch?.number])).toEqual([
      ['h01', 'first', 1],
      ['h01', 'second', 1],
      ['h02', 'first', 2],
      ['h02', 'second', 2],
    ]);
    // serial: 1 — h02 starts after h01 is done; a task starts after the one before it ended.
    const [h01first, h01second, h02first] = spans;
    expect(h01first.result.durationMs).toBeGreaterThanOrEqual(150);
    expect(h01second.startMs!).toBeGreaterThanOrEqual(h01first.startMs! + h01first.result.durationMs - 5);
    expect(h02first.startMs!).toBeGreaterThanOrEqual(h01second.startMs!);
  });
});
