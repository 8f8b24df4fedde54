/**
 * `async` with `poll` > 0, as ansible-playbook 2.14 answers it (checked with a local-connection
 * host): the task's result carries `ansible_job_id`, `started: 1`, `finished: 1`; past `async`
 * seconds it fails with "async task did not complete within the requested time - 2s", not
 * changed, its `async_result` saying `finished: 0`. tpx waits on the connection and stops the
 * command at the limit.
 */
import { describe, expect, it } from 'vitest';
import { fleetInventory } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();

describe('async and poll', () => {
  it("a task done in time: the job fields; one past its async seconds: failed, stopped, with Ansible's message", async () => {
    const started = Date.now();
    const r = await run(
      `
- hosts: h01
  tasks:
    - command: sleep 0.2
      async: 10
      poll: 1
      register: r
    - copy: content="{{ r.finished }} {{ r.started }} {{ r.ansible_job_id is match('^j[0-9]+[.][0-9]+$') }}" dest=done
    - name: too long
      command: sleep 30
      async: 2
      poll: 1
      register: t
      ignore_errors: true
    - copy: content="{{ t.async_result.finished }} {{ t.changed }}" dest=late
`,
      fleetInventory(1),
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.fleet.readHostFile('h01', 'done')).toBe('1 1 True');
    expect(r.result('h01', 'too long')).toMatchObject({ status: 'failed', ignored: true, msg: 'async task did not complete within the requested time - 2s' });
    expect(r.fleet.readHostFile('h01', 'late')).toBe('0 False');
    expect(r.outcome.stats.h01).toMatchObject({ ok: 4, changed: 3, ignored: 1 });
  });
});
