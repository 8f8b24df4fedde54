import { describe, expect, it } from 'vitest';
import { fleetInventory } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();

describe('block / rescue / always', () => {
  it('rescue clears the failure (host counts rescued), always runs, failed task and result are visible', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - block:
        - name: risky
          shell: "test {{ inventory_hostname }} != h02 || { echo broke >&2; exit 5; }"
        - name: after risky
          command: touch after
      rescue:
        - name: restore
          shell: echo "{{ ansible_failed_task.name }} rc={{ ansible_failed_result.rc }} {{ ansible_failed_result.stderr }}" > rescued
      always:
        - name: cleanup
          command: touch always
    - name: next
      command: touch next
`,
      fleetInventory(2),
    );
    expect(r.fleet.readHostFile('h01', 'after')).toBe('');
    expect(r.fleet.readHostFile('h02', 'after')).toBeUndefined();
    expect(r.fleet.readHostFile('h02', 'rescued')).toBe('risky rc=5 broke\n');
    expect(r.fleet.readHostFile('h01', 'rescued')).toBeUndefined();
    for (const h of ['h01', 'h02']) {
      expect(r.fleet.readHostFile(h, 'always')).toBe('');
      expect(r.fleet.readHostFile(h, 'next')).toBe('');
    }
    expect(r.result('h02', 'risky')?.status).toBe('rescued');
    expect(r.outcome.stats.h02).toMatchObject({ rescued: 1, failed: 0 });
    expect(r.outcome.hostStatus.h02).toBe('changed');
    expect(r.outcome.exitCode).toBe(0);
  });

  it('a failing rescue fails the host; always still runs; later tasks do not', async () => {
    const r = await run(
      `
- hosts: h01
  tasks:
    - block:
        - command: "false"
      rescue:
        - name: rescue fails
          command: "false"
      always:
        - command: touch always
    - command: touch next
`,
      fleetInventory(1),
    );
    expect(r.fleet.readHostFile('h01', 'always')).toBe('');
    expect(r.fleet.readHostFile('h01', 'next')).toBeUndefined();
    expect(r.outcome.stats.h01).toMatchObject({ rescued: 1, failed: 1 });
    expect(r.outcome.exitCode).toBe(2);
  });

  it('without rescue, always runs and the host stays failed', async () => {
    const r = await run(
      `
- hosts: h01
  tasks:
    - block:
        - name: bad
          command: "false"
      always:
        - command: touch always
    - command: touch next
`,
      fleetInventory(1),
    );
    expect(r.fleet.readHostFile('h01', 'always')).toBe('');
    expect(r.fleet.readHostFile('h01', 'next')).toBeUndefined();
    expect(r.result('h01', 'bad')?.status).toBe('failed');
  });

  it('a nested block without rescue is rescued by the outer block', async () => {
    const r = await run(
      `
- hosts: h01
  tasks:
    - block:
        - block:
            - name: deep
              command: "false"
          always:
            - command: touch inner-always
        - command: touch not-reached
      rescue:
        - command: touch outer-rescue
`,
      fleetInventory(1),
    );
    expect(r.fleet.readHostFile('h01', 'inner-always')).toBe('');
    expect(r.fleet.readHostFile('h01', 'not-reached')).toBeUndefined();
    expect(r.fleet.readHostFile('h01', 'outer-rescue')).toBe('');
    expect(r.result('h01', 'deep')?.status).toBe('rescued');
    expect(r.outcome.exitCode).toBe(0);
  });
});
